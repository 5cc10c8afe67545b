/**
 * GateJudge on a MetricsSource: each gate's query, judged by its threshold, or — a canary lane's
 * gate — the lane against its baseline. Failures to read are inconclusive.
 */
import type { GateJudge } from '../engine/ports.js';
import type { Evidence, Run } from '../engine/run.js';
import type { Gate, LaneComparison } from '../plan/types.js';
import { judgeLaneComparison, type LaneBackends } from './lane-comparison.js';
import { MetricsError, type MetricsSource } from './metrics-source.js';
import { inconclusive, judgeThreshold } from './threshold-judge.js';

export class MetricsGateJudge implements GateJudge {
  constructor(
    private readonly metrics: MetricsSource,
    private readonly laneBackends?: LaneBackends,
  ) {}

  check(gates: readonly Gate[], run: Run, at: string): Promise<Evidence[]> {
    return Promise.all(
      gates.map(async (gate) => {
        if (gate.compare) return this.compared({ ...gate, compare: gate.compare }, run, at);
        try {
          return judgeThreshold(gate, await this.metrics.instant(gate.query), at);
        } catch (error) {
          if (error instanceof MetricsError) return inconclusive(gate, at, `${error.code}: ${error.message}`);
          throw error;
        }
      }),
    );
  }

  private compared(gate: Gate & { compare: LaneComparison }, run: Run, at: string): Promise<Evidence> {
    if (!this.laneBackends) return Promise.resolve(inconclusive(gate, at, 'lanes cannot be judged here'));
    return judgeLaneComparison(gate, this.metrics, this.laneBackends, run, at);
  }
}
