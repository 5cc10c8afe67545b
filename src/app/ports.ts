/** Ports the use cases need besides the Forge. */

/** Remembers which webhook deliveries were handled, so a redelivery does nothing twice. */
export interface DeliveryLog {
  /** True the first time a key is seen, false every time after. */
  firstSeen(key: string): Promise<boolean>;
}

/** Structured logs (pino's shape). Never give it secrets. */
export interface Log {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}
