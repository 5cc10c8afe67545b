/**
 * The lanes of a service as a run's check run and incident show them: who holds which buckets of
 * which audience on which version now, how each is doing, and the exposure ledger's latest entries.
 * Pure.
 */
import type { Evidence } from '../engine/run.js';
import { describeSegment } from './lane-map.js';
import { describeBuckets, reachOf } from './buckets.js';
import { describeExposure, type Exposure, type LiveLane } from './lane-state.js';

export interface LiveLaneView {
  service: string;
  env: string;
  lanes: readonly LiveLane[];
  ledger: readonly Exposure[];
  /** The lane this run drives, and the latest evidence of its comparison with the baseline. */
  current: string;
  judged?: Evidence;
}

export function renderLiveLanes(view: LiveLaneView): string {
  const shown = view.lanes.filter((lane) => lane.status !== 'retired' || lane.lane === view.current);
  const rows = shown.map((lane) => {
    const held = reachOf(lane.range, lane.percent);
    return (
      `| ${lane.lane === view.current ? `**${lane.lane}**` : lane.lane} | ${lane.version} | ` +
      `${lane.features.join(', ') || '–'} | ${describeSegment(lane.segment)} | ` +
      `${held && lane.status === 'live' ? `${describeBuckets(held)} (${lane.percent}%)` : 'none'} | ` +
      `${health(lane, view)} |`
    );
  });
  const recent = view.ledger
    .slice(-6)
    .map((entry) => `- ${describeExposure(entry)} of ${describeSegment(entry.segment)}, ${span(entry)}`);
  return [
    `### Lanes of ${view.service} (${view.env}) now`,
    '',
    '| lane | version | features | audience | buckets held | health |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Everyone else is served the stable version; each lane is judged against the stable version on its own audience.',
    ...(recent.length
      ? [
          '',
          `**Exposure ledger** (who has been served what, since when; the latest of ${view.ledger.length}):`,
          '',
          ...recent,
        ]
      : []),
  ].join('\n');
}

function health(lane: LiveLane, view: LiveLaneView): string {
  if (lane.status === 'retired') return `retired: ${lane.reason ?? ''}`;
  if (lane.status === 'taken-over') return `taken over by ${lane.heldBy}`;
  if (lane.lane !== view.current || !view.judged) return 'live';
  const { verdict, note } = view.judged;
  const icon = { pass: '✓', breach: '✗', inconclusive: '?', waiting: '…' }[verdict];
  return `${icon} ${note ?? verdict}`.replaceAll('|', '/');
}

const time = (iso: string) => iso.slice(11, 19);
const span = (entry: Exposure) => `${time(entry.since)} → ${entry.until ? time(entry.until) : 'now'}`;
