/** The NAB bench's table and notes, as text. */
import type { Timing } from './evaluate.js';
import type { ProfileFigures } from './figures.js';
import type { LocoResult } from './loco.js';

const short: Record<string, string> = { reward_low_FP_rate: 'low FP', reward_low_FN_rate: 'low FN' };

export function header(profiles: readonly string[]): string[] {
  const columns = (figure: string) => profiles.map((p) => `${figure} ${short[p] ?? p}`);
  return ['detector', ...columns('in-sample'), ...columns('held-out'), 'points/s', 'points/CPU s'];
}

const rate = (points: number, seconds: number) => Math.round(points / seconds).toLocaleString('en');

export function figureRow(name: string, figures: readonly ProfileFigures[], speed?: Timing): string[] {
  return [
    name,
    ...figures.map((f) => f.inSample.toFixed(2)),
    ...figures.map((f) => f.heldOut.normalised.toFixed(2)),
    speed ? rate(speed.points, speed.seconds) : '–',
    speed ? rate(speed.points, speed.cpuSeconds) : '–',
  ];
}

/** Which configuration and threshold each held-out category was scored with, in one line. */
export function choices(result: LocoResult, showCandidate: boolean): string {
  return result.folds
    .map((f) => `${f.category} ← ${showCandidate ? `${f.candidate} ` : ''}@ ${f.threshold.toFixed(4)}`)
    .join('; ');
}

/** The in-sample thresholds, and the alarm level the kind names, if any. */
export function thresholds(figures: readonly ProfileFigures[], alarmLevel?: number): string {
  const chosen = figures.map((f) => `${short[f.profile] ?? f.profile} ${f.inSampleThreshold.toFixed(4)}`).join(', ');
  return `in-sample thresholds ${chosen}${alarmLevel === undefined ? '' : `; its alarm level ${alarmLevel}`}`;
}
