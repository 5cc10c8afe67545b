/**
 * A metric's curve as a Mermaid `xychart-beta` block, which GitHub renders as a chart: at most 40
 * points (the largest value of each slice, so a peak is never hidden), times on the x-axis, and
 * the moments worth pointing out listed under it. Pure.
 */
import type { ChartSeries } from './patrol-incident.js';

const hhmm = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 19);

export function mermaidChart(series: ChartSeries, maxPoints = 40): string {
  const points = downsample(series.points, maxPoints);
  if (points.length < 2) return '';
  const values = points.map(([, v]) => v);
  const top = niceCeiling(Math.max(...values));
  const label = (text: string) => text.replace(/"/g, "'");
  const chart = [
    '```mermaid',
    'xychart-beta',
    `  title "${label(series.title)}"`,
    `  x-axis [${points.map(([t]) => `"${hhmm(t)}"`).join(', ')}]`,
    `  y-axis "${label(series.unit)}" 0 --> ${top}`,
    `  line [${values.map((v) => Number(v.toPrecision(4))).join(', ')}]`,
    '```',
  ];
  const marks = series.marks.map((m) => `- ${hhmm(m.at)} UTC: ${m.label}`);
  return [...chart, ...(marks.length ? ['', ...marks] : [])].join('\n');
}

function downsample(points: [number, number][], max: number): [number, number][] {
  const finite = points.filter(([, v]) => Number.isFinite(v));
  if (finite.length <= max) return finite;
  const size = finite.length / max;
  return Array.from({ length: max }, (_, i) => {
    const slice = finite.slice(Math.floor(i * size), Math.floor((i + 1) * size));
    return slice.reduce((best, p) => (p[1] > best[1] ? p : best));
  });
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
}
