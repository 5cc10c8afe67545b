/** A new run of an approved plan. Pure: the id and the time are given. */
import type { Plan } from '../plan/types.js';
import type { Run } from './run.js';

export interface RunOrigin {
  repo: { owner: string; repo: string; installationId?: number };
  pullNumber: number;
  mergeSha: string;
  startedBy: string;
  providers?: Record<string, unknown>;
  schedule?: Run['schedule'];
}

export const runKey = (origin: RunOrigin, plan: Plan) =>
  `${origin.repo.owner}/${origin.repo.repo}/${origin.mergeSha}/${plan.task.name}/${plan.fingerprint}`;

export function newRun(
  plan: Plan,
  origin: RunOrigin,
  id: string,
  now: Date,
  schedule?: { startAt: Date; reason: string },
): Run {
  const at = now.toISOString();
  return {
    ...(schedule ? { startAt: schedule.startAt.toISOString(), reason: schedule.reason } : {}),
    ...(origin.schedule ? { schedule: origin.schedule } : {}),
    id,
    key: runKey(origin, plan),
    repo: origin.repo,
    pullNumber: origin.pullNumber,
    mergeSha: origin.mergeSha,
    startedBy: origin.startedBy,
    providers: origin.providers,
    plan,
    status: 'pending',
    steps: plan.steps.map((s) => ({ id: s.id, status: 'pending', attempts: 0, evidence: [] })),
    undo: [],
    captured: {},
    locks: [],
    createdAt: at,
    updatedAt: at,
    version: 1,
    events: { seq: 0, hash: 'sha256:0' },
  };
}
