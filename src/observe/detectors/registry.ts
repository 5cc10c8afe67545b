/** The detectors, by name. */
import type { DetectorKind } from './detector.js';
import { noveltyKind } from './novelty.js';
import { robustZKind } from './robust-z.js';

export const detectorKinds: DetectorKind[] = [robustZKind, noveltyKind];
