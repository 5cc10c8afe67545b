/** The detectors, by name, and the one the product uses. */
import type { DetectorKind } from './detector.js';
import { noveltyKind } from './novelty.js';
import { robustZKind } from './robust-z.js';
import { sentinelKind } from './sentinel.js';

/** The detector the patrol, canary analysis and failover use: one configuration, range learned online. */
export const defaultDetector: DetectorKind = sentinelKind;

export const detectorKinds: DetectorKind[] = [robustZKind, noveltyKind, sentinelKind];
