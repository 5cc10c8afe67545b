/** Ports the use cases need besides the Forge. */

/**
 * Remembers which webhook deliveries were handled, so a redelivery does nothing twice. A delivery
 * is marked only once it was handled: one whose handling failed can be redelivered.
 */
export interface DeliveryLog {
  handled(key: string): Promise<boolean>;
  markHandled(key: string): Promise<void>;
}

export type { Log } from '../engine/ports.js';
