/**
 * What the store knows of the lanes of the services a change touches: a Rollout whose lane was
 * retired (rolled back, or replaced and stopped) is no longer live, even though its manifest stays
 * in tasks/. Keyed `service/env/lane`.
 */
import { parseAllDocuments } from 'yaml';
import type { Store } from '../engine/store.js';
import { foldLanes, laneChain, type LaneEvent, type LaneStatus } from '../lanes/lane-state.js';
import { opsRepoLayout } from '../manifest/model.js';

export const laneKey = (service: string, env: string, lane: string) => `${service}/${env}/${lane}`;

export async function laneStatuses(
  store: Store,
  files: readonly { path: string; text: string }[],
): Promise<Map<string, LaneStatus>> {
  const statuses = new Map<string, LaneStatus>();
  for (const { service, env } of serviceEnvironments(files)) {
    const events = (await store.events(laneChain(service, env))) as unknown as LaneEvent[];
    for (const lane of foldLanes(events)) statuses.set(laneKey(service, env, lane.lane), lane.status);
  }
  return statuses;
}

/** Each service and environment the ops repo's service files name (files that do not parse name none). */
function serviceEnvironments(files: readonly { path: string; text: string }[]): { service: string; env: string }[] {
  return files
    .filter((f) => f.path.startsWith(opsRepoLayout.services))
    .flatMap((f) => parseAllDocuments(f.text).map((doc) => doc.toJS({ maxAliasCount: 10 }) as unknown))
    .flatMap((doc) => {
      const { metadata, spec } = (doc ?? {}) as { metadata?: { name?: unknown }; spec?: { environments?: unknown } };
      const envs = Array.isArray(spec?.environments) ? spec.environments : [];
      return typeof metadata?.name === 'string'
        ? envs
            .filter((e): e is string => typeof e === 'string')
            .map((env) => ({ service: metadata.name as string, env }))
        : [];
    });
}
