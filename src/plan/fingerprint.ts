/** The plan fingerprint: a hash of what the plan does, so approvals and idempotency can hang on it. */
import { createHash } from 'node:crypto';
import type { Plan } from './types.js';

export type Fingerprinted = Omit<Plan, 'fingerprint' | 'filled' | 'risk' | 'approvals' | 'summary' | 'executes'>;

export function fingerprintOf(plan: Fingerprinted): string {
  const { file: _file, line: _line, ...task } = plan.task; // moving a task between files does not change it
  const material = canonicalJson({
    task,
    steps: plan.steps,
    rollback: plan.rollback,
    locks: plan.locks,
    scripts: plan.scripts,
  });
  return `sha256:${createHash('sha256').update(material).digest('hex')}`;
}

/** JSON with sorted keys, so equal plans hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, parts: string[]): void {
  if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((item, i) => {
      if (i > 0) parts.push(',');
      write(item, parts);
    });
    parts.push(']');
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    parts.push('{');
    keys.forEach((key, i) => {
      parts.push(i > 0 ? ',' : '', JSON.stringify(key), ':');
      write((value as Record<string, unknown>)[key], parts);
    });
    parts.push('}');
  } else {
    parts.push(JSON.stringify(value));
  }
}
