/**
 * A remediation as ZeroOps runs it: a task manifest planned like any other (the rolling restart of
 * the affected instances, the restart of one instance, the drain of one datacenter), or the
 * rollback of the run that brought the change. Scaling out needs capacity ZeroOps cannot add in
 * this version: it is offered, never run. Pure.
 */
import { stringify } from 'yaml';
import type { Cause, Remediation } from '../diagnose/cause.js';
import type { Inspection } from './inspection.js';

export type RemediationWork =
  | { kind: 'task'; name: string; text: string }
  | { kind: 'rollback'; name: string; runId: string }
  | { kind: 'none'; why: string };

export function remediationWork(
  remediation: Remediation,
  cause: Cause,
  target: { service: string; env: string; incident: number; attempt: number; inspection?: Inspection },
): RemediationWork {
  const name = `remediate-${target.incident}-${remediation.id}-${target.attempt}`;
  const metadata = { name, service: target.service, env: target.env };
  const reason = `incident #${target.incident}: ${cause.title}`.slice(0, 200);
  const task = (kind: string, spec: Record<string, unknown>): RemediationWork => ({
    kind: 'task',
    name,
    text: stringify({ apiVersion: 'zeroops.dev/v1', kind, metadata, spec: { ...spec, reason } }),
  });
  const template = target.inspection?.remediate?.match(/^rolling-restart@\d+$/)
    ? target.inspection.remediate
    : undefined;
  switch (remediation.id) {
    case 'rolling-restart':
      return task('Restart', {
        ...(template ? { template } : {}),
        ...(cause.affected?.length ? { instances: cause.affected } : {}),
      });
    case 'restart-instance':
      return task('Restart', { instances: cause.affected ?? [cause.where.instance], batchSize: 1 });
    case 'drain-datacenter':
      return task('TrafficShift', { weights: { [cause.where.dc!]: '0%' }, steps: 2, interval: '30s' });
    case 'rollback-change':
      return remediation.runId
        ? { kind: 'rollback', name, runId: remediation.runId }
        : { kind: 'none', why: 'no run to roll back' };
    case 'scale-out':
      return {
        kind: 'none',
        why:
          'adding capacity is not something this version of ZeroOps executes: ' +
          'scale the service, then close the incident',
      };
  }
}

/** The task kind a remediation runs as, for the autonomy policy. */
export const kindOf = (id: Remediation['id']) =>
  ({
    'rolling-restart': 'Restart',
    'restart-instance': 'Restart',
    'drain-datacenter': 'TrafficShift',
    'rollback-change': 'Runbook',
    'scale-out': 'Scale',
  })[id];
