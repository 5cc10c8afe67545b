/**
 * The threshold judge: a gate's limit against what a query returned. No data, or a value that is
 * not a number, is inconclusive — never a pass and never a breach. Pure.
 */
import type { Evidence } from '../engine/run.js';
import type { Gate } from '../plan/types.js';
import type { Sample } from './metrics-source.js';

export function judgeThreshold(gate: Gate, samples: readonly Sample[], at: string): Evidence {
  const limit = gate.display.replace(/^\S+ /, '');
  const values = samples.map((s) => s.value).filter((v) => Number.isFinite(v));
  if (values.length === 0) {
    return {
      at,
      metric: gate.metric,
      value: null,
      limit,
      verdict: 'inconclusive',
      note: samples.length ? 'the query returned no number (NaN)' : 'the query returned no series',
    };
  }
  // Several series (per instance, per datacenter): the worst one decides.
  const worst = gate.max !== undefined ? Math.max(...values) : Math.min(...values);
  const breached =
    (gate.max !== undefined && Math.max(...values) > gate.max) ||
    (gate.min !== undefined && Math.min(...values) < gate.min);
  return { at, metric: gate.metric, value: worst, limit, verdict: breached ? 'breach' : 'pass' };
}

export function inconclusive(gate: Gate, at: string, note: string): Evidence {
  return {
    at,
    metric: gate.metric,
    value: null,
    limit: gate.display.replace(/^\S+ /, ''),
    verdict: 'inconclusive',
    note,
  };
}
