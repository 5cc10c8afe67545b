/** Streaming anomaly detectors: one point at a time, no look-ahead, bounded memory per series. */

export interface StreamingDetector {
  /** The anomaly score of this point, in [0, 1], given only the points before it. */
  update(timestamp: number, value: number): number;
}

/**
 * A series' minimum and maximum, known before its first point. Only the benchmark's given-range mode
 * passes it (NAB hands every detector these two facts); the product never does, and a detector
 * created without it learns its range online.
 */
export interface ValueRange {
  min: number;
  max: number;
}

/** One configuration of a detector kind. */
export interface DetectorVariant {
  name: string;
  create(range?: ValueRange): StreamingDetector;
}

export interface DetectorKind {
  name: string;
  /** The idea, the parameters and the cost per point, in a few lines. */
  description: string;
  /** The configuration the product uses. */
  create(range?: ValueRange): StreamingDetector;
  /** The score at or above which a point is an anomaly, where the kind names one. */
  alarmLevel?: number;
  /**
   * Other configurations, a small fixed set, that a benchmark may choose instead of the default
   * on training data. A kind without them has one configuration: `create`.
   */
  variants?: DetectorVariant[];
}
