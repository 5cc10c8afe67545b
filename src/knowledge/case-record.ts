/**
 * A finished run as a case: what was done to which service with which template, how it ended and
 * why, which gates it breached, who started it and how long it took. Pure: derived from the run.
 */
import { isTerminal, type Run, type RunStatus } from '../engine/run.js';
import type { Plan } from '../plan/types.js';
import { versionWords } from '../nl/versions.js';

export interface Breach {
  step: string;
  metric: string;
  value: number | null;
  limit: string;
}

export interface CaseRecord {
  run: string;
  repo: string;
  pullNumber: number;
  task: string;
  kind: string;
  service: string;
  env: string;
  /** The version a Rollout deployed. */
  version?: string;
  /** `name@version` of the SOP template the task filled its defaults from. */
  template?: string;
  status: RunStatus;
  reason?: string;
  breaches: Breach[];
  startedBy: string;
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  /** A remediation of an incident: which incident and which option. */
  remediation?: { incident: string; option: string };
}

export function caseRecordOf(run: Run): CaseRecord {
  const { task } = run.plan;
  const template = templateOf(run.plan);
  const version = versionOf(run.plan);
  const finishedAt = isTerminal(run.status) ? (run.finishedAt ?? run.updatedAt) : undefined;
  return {
    run: run.id,
    repo: `${run.repo.owner}/${run.repo.repo}`,
    pullNumber: run.pullNumber,
    task: task.name,
    kind: task.kind,
    service: task.service,
    env: task.env,
    ...(version ? { version } : {}),
    ...(template ? { template } : {}),
    status: run.status,
    ...(run.reason ? { reason: run.reason } : {}),
    breaches: run.steps.flatMap((step) =>
      step.evidence
        .filter((e) => e.verdict === 'breach')
        .slice(-1)
        .map((e) => ({ step: step.id, metric: e.metric, value: e.value, limit: e.limit })),
    ),
    startedBy: run.startedBy,
    startedAt: run.createdAt,
    ...(finishedAt
      ? { finishedAt, durationSeconds: Math.round((Date.parse(finishedAt) - Date.parse(run.createdAt)) / 1000) }
      : {}),
    ...(run.incident ? { remediation: { incident: run.incident.id, option: run.incident.option } } : {}),
  };
}

/** The SOP template a plan filled its defaults from, `name@version`. */
export const templateOf = (plan: Plan): string | undefined =>
  plan.filled.map((f) => /^template (\S+@\d+)$/.exec(f.from)?.[1]).find(Boolean);

/** A Rollout's version, as its plan's summary names it (`Canary v1.2.0 of ...`). */
export function versionOf(plan: Plan): string | undefined {
  if (plan.task.kind !== 'Rollout') return undefined;
  return plan.summary.match(versionWords)?.[0];
}
