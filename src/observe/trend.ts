/**
 * Trend statistics that hold up under noise and outliers: the Theil-Sen slope and the Mann-Kendall
 * test. Pure.
 */

type Point = [seconds: number, value: number];

/** Median of pairwise slopes, and the median intercept for it. */
export function theilSen(points: readonly Point[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]![0] - points[i]![0];
      if (dt !== 0) slopes.push((points[j]![1] - points[i]![1]) / dt);
    }
  }
  const slope = median(slopes);
  return { slope, intercept: median(points.map(([t, v]) => v - slope * t)) };
}

/** Two-sided p-value of the Mann-Kendall trend test, with the variance corrected for ties. */
export function mannKendall(points: readonly Point[]): number {
  const n = points.length;
  if (n < 3) return 1;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(points[j]![1] - points[i]![1]);
  const ties = new Map<number, number>();
  for (const [, v] of points) ties.set(v, (ties.get(v) ?? 0) + 1);
  let variance = (n * (n - 1) * (2 * n + 5)) / 18;
  for (const count of ties.values()) if (count > 1) variance -= (count * (count - 1) * (2 * count + 5)) / 18;
  if (variance <= 0) return 1;
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return 2 * normalTail(Math.abs(z));
}

/** P(Z > z) for a standard normal Z. */
export function normalTail(z: number): number {
  // Abramowitz–Stegun 7.1.26 approximation of erfc.
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  return (
    (t *
      Math.exp(-x * x) *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))) /
    2
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
