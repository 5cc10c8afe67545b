/** Streaming anomaly detectors: one point at a time, no look-ahead, bounded memory per series. */

export interface StreamingDetector {
  /** The anomaly score of this point, in [0, 1], given only the points before it. */
  update(timestamp: number, value: number): number;
}

export interface DetectorKind {
  name: string;
  /** The idea, the parameters and the cost per point, in a few lines. */
  description: string;
  create(): StreamingDetector;
}
