import type { Run } from '../../../src/engine/run.js';
import { judgeLaneComparison } from '../../../src/observe/lane-comparison.js';
import { MetricsError, type MetricsSource } from '../../../src/observe/metrics-source.js';
import type { Gate, LaneComparison } from '../../../src/plan/types.js';
import { aRun } from '../../support/builders.js';

const compare: LaneComparison = {
  service: 'checkout',
  env: 'production',
  lane: 'v1-2',
  sampleSeconds: 3,
  minSamples: 4,
  minEffect: 0.01,
};
const gate: Gate & { compare: LaneComparison } = {
  metric: 'lane_error_share',
  query: 'share{proxy="$backend"}',
  unit: 'ratio',
  phase: 'both',
  display: '5xx share vs baseline',
  compare,
};
const backends = async () => ({
  lane: 'checkout_lane_3',
  baseline: 'checkout_baseline_3',
  since: '2026-05-07T09:00:00.000Z',
});
const now = '2026-05-07T10:00:00.000Z';

/** Prometheus as the port gives it: each backend's samples, and what was asked. */
function metricsWith(values: Record<string, number[]>) {
  const asked: string[] = [];
  const source: MetricsSource = {
    instant: async () => [],
    range: async (query) => {
      asked.push(query);
      const backend = /proxy="([^"]+)"/.exec(query)![1]!;
      return [{ labels: {}, points: (values[backend] ?? []).map((v, i) => [i * 3, v] as [number, number]) }];
    },
  };
  return { source, asked };
}

const holding = (holdUntil: string): Run =>
  aRun({
    steps: [{ id: 'lane-10', status: 'holding', attempts: 1, evidence: [], holdUntil }],
  });

describe('a lane judged against its baseline', () => {
  it('breaches when the lane is significantly and materially worse, reading both backends', async () => {
    const { source, asked } = metricsWith({
      checkout_lane_3: [0, 0, 0.4, 0.5, 0.45, 0.5, 0.6, 0.5],
      checkout_baseline_3: [0, 0.01, 0, 0, 0.01, 0, 0, 0],
    });
    const evidence = await judgeLaneComparison(gate, source, backends, holding('2026-05-07T10:05:00.000Z'), now);
    expect(evidence).toMatchObject({ verdict: 'breach', note: expect.stringMatching(/^worse than the baseline/) });
    expect(evidence.value).toBeGreaterThan(0.2);
    expect(asked.sort()).toEqual(['share{proxy="checkout_baseline_3"}', 'share{proxy="checkout_lane_3"}']);
  });

  it('passes a lane no worse than its baseline, NaN samples (no traffic) left out', async () => {
    const { source } = metricsWith({
      checkout_lane_3: [NaN, 0.01, 0, 0, 0.02, 0, 0.01, 0],
      checkout_baseline_3: [0, 0.01, 0, 0.02, 0.01, 0, 0, 0.01],
    });
    const evidence = await judgeLaneComparison(gate, source, backends, holding('2026-05-07T10:05:00.000Z'), now);
    expect(evidence.verdict).toBe('pass');
  });

  it('waits while too few samples came in, past the hold too, and gives up a full window later', async () => {
    const { source } = metricsWith({ checkout_lane_3: [0, 0.5], checkout_baseline_3: [0, 0, 0, 0, 0] });
    const judge = (holdUntil: string) => judgeLaneComparison(gate, source, backends, holding(holdUntil), now);
    expect(await judge('2026-05-07T10:05:00.000Z')).toMatchObject({
      verdict: 'waiting',
      value: null,
      note: expect.stringMatching(/^too few samples/),
    });
    // The hold ended 20 s ago: within a window (2 × 4 samples × 3 s), it still waits.
    expect((await judge('2026-05-07T09:59:40.000Z')).verdict).toBe('waiting');
    expect(await judge('2026-05-07T09:59:30.000Z')).toMatchObject({
      verdict: 'inconclusive',
      note: expect.stringMatching(/^still unjudged a full window after the step's hold/),
    });
  });

  it('reads only what the lane served: not what an earlier lane in the same backend did', async () => {
    const { source } = metricsWith({ checkout_lane_3: [0.9], checkout_baseline_3: [0] });
    const ranges: [number, number][] = [];
    const spy: MetricsSource = {
      ...source,
      range: (query, start, end, step) => {
        ranges.push([start, end]);
        return source.range(query, start, end, step);
      },
    };
    const justDeployed = async () => ({ ...(await backends()), since: '2026-05-07T09:59:50.000Z' });
    await judgeLaneComparison(gate, spy, justDeployed, holding('2026-05-07T10:05:00.000Z'), now);
    const deployedAt = Date.parse('2026-05-07T09:59:50.000Z') / 1000;
    expect(ranges).toEqual([
      [deployedAt + 3, deployedAt + 10],
      [deployedAt + 3, deployedAt + 10],
    ]);
  });

  it('is inconclusive — never a breach — when the metrics cannot be read, or the lane is not deployed', async () => {
    const down: MetricsSource = {
      instant: async () => [],
      range: async () => {
        throw new MetricsError('timeout', 'no answer in 5000 ms');
      },
    };
    const run = holding('2026-05-07T10:05:00.000Z');
    expect(await judgeLaneComparison(gate, down, backends, run, now)).toMatchObject({
      verdict: 'inconclusive',
      note: 'timeout: no answer in 5000 ms',
    });
    const gone = await judgeLaneComparison(gate, down, async () => undefined, run, now);
    expect(gone).toMatchObject({ verdict: 'inconclusive', note: 'lane v1-2 is not deployed' });
  });
});
