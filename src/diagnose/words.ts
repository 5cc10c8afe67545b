/** Numbers as people read them in an incident: 9,800 goroutines, 512 MiB, ~35 min. Pure. */

export function formatCount(value: number): string {
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Number(value.toPrecision(2));
  return rounded.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Number((seconds / 3600).toPrecision(2))} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

export const formatPercent = (ratio: number) => `${Number((ratio * 100).toPrecision(ratio >= 0.99 ? 5 : 2))}%`;

export const clock = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);
