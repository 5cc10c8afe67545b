/**
 * The environments whose rules hold a task. A service declares one set of datacenters, instances,
 * HAProxy pools and databases for all of its environments, so `metadata.env` names the task but
 * does not change what it touches: a task labelled `staging` on checkout changes what checkout's
 * production runs on. Every environment of the service therefore holds it: the strictest approval
 * rule of any, and every window and freeze. A service whose staging has infrastructure of its own
 * is a service file of its own, with `environments: [staging]`. Pure.
 */
import type { TaskRef } from '../plan/types.js';

export function sharedEnvironments(env: string, serviceEnvironments: readonly string[] | undefined): string[] {
  return [...new Set([env, ...(serviceEnvironments ?? [])])];
}

/** A plan's environments; a run planned before they were recorded has its task's env alone. */
export const environmentsOf = (task: Pick<TaskRef, 'env' | 'environments'>): string[] =>
  task.environments?.length ? task.environments : [task.env];
