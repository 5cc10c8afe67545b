/**
 * Signals → facts → causes, ranked by confidence, each with its evidence and the counterfactuals that
 * rule the others out, a severity, and what was looked at and found normal. Rules, not a model: an
 * LLM may later write the prose, never the verdict. Pure.
 */
import type { Cause, Diagnosis } from './cause.js';
import { factsOf } from './facts.js';
import { degradationCauses } from './rules/degradation.js';
import { goroutineLeak, memoryLeak } from './rules/leaks.js';
import { normalFindings } from './rules/normal.js';
import { severityOf } from './severity.js';
import type { SignalSet } from './signals.js';

export function diagnose(signals: SignalSet, at: number): Diagnosis {
  const facts = factsOf(signals);
  const gap = monitoringGap(signals);
  const causes = gap
    ? [gap]
    : [goroutineLeak(facts), memoryLeak(facts), ...degradationCauses(facts)]
        .filter((c): c is Cause => c !== undefined)
        .sort((a, b) => b.confidence - a.confidence);
  const { severity, why } = severityOf(causes, facts);
  return {
    service: signals.service,
    env: signals.env,
    at,
    severity,
    severityWhy: why,
    causes,
    normal: normalFindings(facts),
  };
}

/** No series at all to judge by, and something failed to answer: a gap in monitoring, not in the service. */
function monitoringGap(signals: SignalSet): Cause | undefined {
  if (signals.series.some((s) => s.points.length > 0) || signals.gaps.length === 0) return undefined;
  return {
    class: 'monitoring-gap',
    title: `Monitoring gap: ZeroOps cannot see ${signals.service}`,
    confidence: 1,
    where: {},
    evidence: signals.gaps.map((g) => ({ text: `${g.source}: ${g.reason}` })),
    ruledOut: ['no series answered: nothing can be said about the service itself, so this is not an incident about it'],
    remediations: [],
  };
}
