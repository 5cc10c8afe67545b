/** The plan fingerprint: a hash of what the plan does, so approvals and idempotency can hang on it. */
import { createHash } from 'node:crypto';
import type { Plan } from './types.js';

export type Fingerprinted = Omit<Plan, 'fingerprint' | 'filled' | 'risk' | 'approvals' | 'summary'>;

export function fingerprintOf(plan: Fingerprinted): string {
  const { file: _file, line: _line, ...task } = plan.task; // moving a task between files does not change it
  const material = canonicalJson({ task, steps: plan.steps, rollback: plan.rollback, locks: plan.locks });
  return `sha256:${createHash('sha256').update(material).digest('hex')}`;
}

/** JSON with sorted keys, so equal plans hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
