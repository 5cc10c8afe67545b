/**
 * The canary lanes of a change: every Rollout of the repository (its template's steps applied) is
 * a lane; the ones this change brings are checked against all the others, and the lane map that
 * results is what the plan shows.
 */
import { kinds } from '../kinds/registry.js';
import { laneConflicts, type DeclaredLane } from '../lanes/conflicts.js';
import { laneOf, liveLanes, type Lane } from '../lanes/lane.js';
import type { LaneStatus } from '../lanes/lane-state.js';
import { laneKey } from './lane-history.js';
import { completeTask } from '../manifest/complete.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { LoadedTask, OpsRepo, Rollout } from '../manifest/model.js';

export interface LaneCheck {
  diagnostics: Diagnostic[];
  /** The live lanes once this change is merged, of the services whose lanes it touches. */
  lanes: Lane[];
}

/**
 * `planned`: names of the reported tasks that were planned (a task with errors is not also checked
 * here). `templates`: templates this change edits: the Rollouts that use one change with it.
 */
export function checkLanes(
  reported: readonly LoadedTask[],
  all: readonly LoadedTask[],
  repo: OpsRepo,
  planned: ReadonlySet<string>,
  templates: ReadonlySet<string> = new Set(),
  statuses: ReadonlyMap<string, LaneStatus> = new Map(),
): LaneCheck {
  const mine = new Set(reported.map((t) => t.manifest.metadata.name));
  const declared = all.flatMap((task): DeclaredLane[] => {
    if (task.manifest.kind !== 'Rollout') return [];
    const name = task.manifest.metadata.name;
    if (mine.has(name) && (!planned.has(name) || !reported.includes(task))) return [];
    const lane = laneFrom(task, repo);
    const template = task.manifest.spec.template?.split('@')[0];
    const changed = mine.has(name) || (template !== undefined && templates.has(template));
    // A retired lane serves no one: it is live again only when this change runs its Rollout again.
    if (lane && !changed && statuses.get(laneKey(lane.service, lane.env, lane.lane)) === 'retired') return [];
    return lane ? [{ lane, task, reported: changed }] : [];
  });
  if (!declared.some((d) => d.reported)) return { diagnostics: [], lanes: [] };
  const kindsByName = new Map(all.map((t) => [t.manifest.metadata.name, t.manifest.kind]));
  const touched = new Set(declared.filter((d) => d.reported).map((d) => `${d.lane.service}/${d.lane.env}`));
  return {
    diagnostics: laneConflicts(declared, kindsByName),
    lanes: liveLanes(declared.map((d) => d.lane)).filter((l) => touched.has(`${l.service}/${l.env}`)),
  };
}

/** A Rollout as a lane, once completed; one that cannot be completed (no such service) is no lane. */
function laneFrom(task: LoadedTask, repo: OpsRepo): Lane | undefined {
  if (!repo.services.has(task.manifest.metadata.service)) return undefined;
  try {
    const completed = completeTask(task, repo, kinds.Rollout.defaults);
    return laneOf({
      name: completed.name,
      service: completed.service.metadata.name,
      env: completed.env,
      spec: completed.spec as Rollout['spec'],
    });
  } catch {
    return undefined;
  }
}
