/** GateJudge on a MetricsSource: each gate's query, judged by its threshold; failures are inconclusive. */
import type { GateJudge } from '../engine/ports.js';
import type { Evidence, Run } from '../engine/run.js';
import type { Gate } from '../plan/types.js';
import { MetricsError, type MetricsSource } from './metrics-source.js';
import { inconclusive, judgeThreshold } from './threshold-judge.js';

export class MetricsGateJudge implements GateJudge {
  constructor(private readonly metrics: MetricsSource) {}

  check(gates: readonly Gate[], _run: Run, at: string): Promise<Evidence[]> {
    return Promise.all(
      gates.map(async (gate) => {
        try {
          return judgeThreshold(gate, await this.metrics.instant(gate.query), at);
        } catch (error) {
          if (error instanceof MetricsError) return inconclusive(gate, at, `${error.code}: ${error.message}`);
          throw error;
        }
      }),
    );
  }
}
