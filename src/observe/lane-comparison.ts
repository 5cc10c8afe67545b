/**
 * A canary lane against its baseline, sample by sample: the gate's query is read over the latest
 * periods for the lane's backend and for its baseline's (the stable version serving the rest of the
 * same audience), and the canary judge compares the two. Metrics that cannot be read are
 * inconclusive (the run pauses); too few samples are `waiting`, which keeps the step from ending,
 * so a lane is never passed unjudged.
 */
import type { Evidence, Run } from '../engine/run.js';
import type { Gate, LaneComparison } from '../plan/types.js';
import { judgeCanary } from './canary-judge.js';
import { MetricsError, type MetricsSource } from './metrics-source.js';
import { inconclusive } from './threshold-judge.js';

/** The backends a lane and its baseline are served by, while it is deployed. */
export type LaneBackends = (
  lane: Pick<LaneComparison, 'service' | 'env' | 'lane'>,
) => Promise<{ lane: string; baseline: string; since: string } | undefined>;

export async function judgeLaneComparison(
  gate: Gate & { compare: LaneComparison },
  metrics: MetricsSource,
  backendsOf: LaneBackends,
  run: Run,
  at: string,
): Promise<Evidence> {
  const { compare } = gate;
  const backends = await backendsOf(compare);
  if (!backends) return inconclusive(gate, at, `lane ${compare.lane} is not deployed`);
  const end = Math.floor(Date.parse(at) / 1000);
  // A slot's backend served an earlier lane before this one: only samples wholly after this lane was deployed count.
  const deployed = Math.ceil(Date.parse(backends.since) / 1000) + compare.sampleSeconds;
  const start = Math.max(end - 2 * compare.minSamples * compare.sampleSeconds, deployed);
  if (start > end)
    return {
      at,
      metric: gate.metric,
      value: null,
      limit: gate.display,
      verdict: 'pass',
      note: 'too few samples yet: the lane was just deployed',
    };
  const read = async (backend: string) => {
    const series = await metrics.range(gate.query.replaceAll('$backend', backend), start, end, compare.sampleSeconds);
    return series.flatMap((s) => s.points.map(([, value]) => value)).filter(Number.isFinite);
  };
  let lane: number[];
  let baseline: number[];
  try {
    [lane, baseline] = await Promise.all([read(backends.lane), read(backends.baseline)]);
  } catch (error) {
    if (error instanceof MetricsError) return inconclusive(gate, at, `${error.code}: ${error.message}`);
    throw error;
  }
  const verdict = judgeCanary(lane, baseline, { minEffect: compare.minEffect, minSamples: compare.minSamples });
  const limit = gate.display;
  const value = verdict.verdict === 'nodata' ? null : round(verdict.effect);
  if (verdict.verdict === 'fail')
    return { at, metric: gate.metric, value, limit, verdict: 'breach', note: verdict.reason };
  if (verdict.verdict === 'pass')
    return { at, metric: gate.metric, value, limit, verdict: 'pass', note: verdict.reason };
  // Too few samples: the step waits for them past its hold (a paused run resumed after an outage
  // has a gap to fill), and gives up — inconclusive, so the run pauses — after another full window.
  const holding = run.steps.find((s) => s.status === 'holding');
  const patience = 2 * compare.minSamples * compare.sampleSeconds * 1000;
  const givenUp = holding?.holdUntil !== undefined && Date.parse(holding.holdUntil) + patience <= Date.parse(at);
  return givenUp
    ? inconclusive(gate, at, `still unjudged a full window after the step's hold: ${verdict.reason}`)
    : { at, metric: gate.metric, value, limit, verdict: 'waiting', note: verdict.reason };
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;
