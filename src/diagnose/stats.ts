/** Robust statistics on plain numbers and aligned series. Pure. */
import type { Point } from './signals.js';

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
export const iqr = (values: readonly number[]) => quantile(values, 0.75) - quantile(values, 0.25);
export const valuesOf = (points: readonly Point[]) => points.map(([, v]) => v).filter(Number.isFinite);

/** Pearson's correlation of two series on the timestamps they share; 0 when either is flat. */
export function correlation(a: readonly Point[], b: readonly Point[]): number {
  const other = new Map(b);
  const pairs = a
    .filter(([t, v]) => Number.isFinite(v) && Number.isFinite(other.get(t)))
    .map(([t, v]) => [v, other.get(t)!]);
  if (pairs.length < 3) return 0;
  const mean = (i: 0 | 1) => pairs.reduce((s, p) => s + p[i]!, 0) / pairs.length;
  const [ma, mb] = [mean(0), mean(1)];
  let [sab, saa, sbb] = [0, 0, 0];
  for (const [x, y] of pairs) {
    sab += (x! - ma) * (y! - mb);
    saa += (x! - ma) ** 2;
    sbb += (y! - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/** Series on one time grid combined into one: at each timestamp, the mean of the values present. */
export function combine(series: readonly (readonly Point[])[]): Point[] {
  const byTime = new Map<number, number[]>();
  for (const points of series)
    for (const [t, v] of points) if (Number.isFinite(v)) byTime.set(t, [...(byTime.get(t) ?? []), v]);
  return [...byTime]
    .sort(([a], [b]) => a - b)
    .map(([t, values]) => [t, values.reduce((s, v) => s + v, 0) / values.length]);
}
