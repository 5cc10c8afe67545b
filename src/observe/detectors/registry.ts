/** The detectors, by name. */
import type { DetectorKind } from './detector.js';
import { contextSurpriseKind } from './context-surprise.js';
import { knnShapeKind } from './knn-shape.js';
import { robustZKind } from './robust-z.js';

export const detectorKinds: DetectorKind[] = [robustZKind, contextSurpriseKind, knnShapeKind];
