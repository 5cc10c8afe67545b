/**
 * Autonomy: how far ZeroOps may go on its own with a remediation, from the approved config.
 * observe: only record; suggest: propose it as a pull request; confirm: run it when a person with
 * write access comments `/zeroops remediate <option>` on the incident; auto: run it at once.
 * The first rule matching the incident decides, then the remediation's task kind, then the default. Pure.
 */
import type { Config } from '../manifest/model.js';

export type Autonomy = 'observe' | 'suggest' | 'confirm' | 'auto';

export interface AutonomyQuery {
  /** The task kind the remediation runs as (Restart, TrafficShift, Runbook). */
  kind: string;
  service?: string;
  class?: string;
  remediation?: string;
  severity?: string;
}

export function autonomyFor(config: Config | undefined, query: AutonomyQuery | string): Autonomy {
  const q = typeof query === 'string' ? { kind: query } : query;
  const autonomy = config?.spec.autonomy;
  const rule = (autonomy?.rules ?? []).find(
    (r) =>
      (r.service === undefined || r.service === q.service) &&
      (r.class === undefined || r.class === q.class) &&
      (r.remediation === undefined || r.remediation === q.remediation) &&
      (r.severity === undefined || (q.severity !== undefined && r.severity.includes(q.severity as never))),
  );
  return (
    (rule?.level as Autonomy | undefined) ??
    (autonomy?.kinds?.[q.kind] as Autonomy | undefined) ??
    (autonomy?.default as Autonomy | undefined) ??
    'suggest'
  );
}
