/** The HAProxy backends of a deployed lane and of its baseline, from the store's lane chain. */
import type { Store } from '../../engine/store.js';
import { foldLanes, laneChain, type LaneEvent } from '../../lanes/lane-state.js';
import type { LaneBackends } from '../../observe/lane-comparison.js';
import { laneBackendName, laneBaselineName } from '../haproxy/lane-routing-config.js';

export const laneBackendsIn =
  (store: Store): LaneBackends =>
  async ({ service, env, lane }) => {
    const events = (await store.events(laneChain(service, env))) as unknown as LaneEvent[];
    const found = foldLanes(events).find((l) => l.lane === lane && l.status !== 'retired');
    return (
      found && {
        lane: laneBackendName(service, found.slot),
        baseline: laneBaselineName(service, found.slot),
        since: found.since,
      }
    );
  };
