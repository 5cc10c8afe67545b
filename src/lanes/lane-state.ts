/**
 * The live lanes of a service, as the store keeps them: an append-only chain of lane events per
 * service and environment (`lanes:<service>/<env>`), folded here into the lanes that route now and
 * into the exposure ledger (who has been served which version and features, since when). Runs
 * append; the route table, the plan of a pull request and the check runs read the fold. Pure.
 */
import type { Segment } from './audience.js';
import { describeBuckets, reachOf, type BucketRange } from './buckets.js';
import type { RoutedLane } from './membership.js';

export const laneChain = (service: string, env: string) => `lanes:${service}/${env}`;

export interface LaneInstance {
  name: string;
  address: string;
}

/** What a lane was deployed as (the `lane-deployed` event's data). */
export interface LaneDeployment {
  lane: string;
  version: string;
  features: string[];
  replaces?: string;
  segment: Segment;
  range: BucketRange;
  /** The percentage its steps end at: others keep out the users it will reach. */
  widest: number;
  /** Its HAProxy backend slot (1…slots). */
  slot: number;
  instances: LaneInstance[];
  run: string;
}

export type LaneStatus = 'live' | 'taken-over' | 'retired';

export interface LiveLane extends LaneDeployment {
  percent: number;
  /** The largest share it ever held: who has been served it. */
  widestHeld?: number;
  status: LaneStatus;
  /** Who holds this lane's users now, when it was taken over. */
  heldBy?: string;
  since: string;
  /** Why it was retired (rolled back, replaced, …). */
  reason?: string;
}

export type LaneEvent =
  | { type: 'lane-deployed'; at: string; data: LaneDeployment }
  | { type: 'lane-routed'; at: string; data: { lane: string; percent: number } }
  | { type: 'lane-taken-over'; at: string; data: { lane: string; by: string } }
  | { type: 'lane-handed-back'; at: string; data: { lane: string; from: string } }
  | { type: 'lane-retired'; at: string; data: { lane: string; reason: string } };

/** Every lane ever deployed for the service, in deployment order, in its latest state. */
export function foldLanes(events: readonly LaneEvent[]): LiveLane[] {
  const lanes = new Map<string, LiveLane>();
  const update = (name: string, change: Partial<LiveLane>) => {
    const lane = lanes.get(name);
    if (lane) lanes.set(name, { ...lane, ...change });
  };
  for (const event of events) {
    const { data } = event;
    switch (event.type) {
      case 'lane-deployed':
        // A lane deployed again (after it was retired) starts over, at the end of the order.
        lanes.delete(event.data.lane);
        lanes.set(event.data.lane, { ...event.data, percent: 0, status: 'live', since: event.at });
        break;
      case 'lane-routed': {
        const held = lanes.get(data.lane)?.widestHeld ?? 0;
        update(data.lane, { percent: event.data.percent, widestHeld: Math.max(held, event.data.percent) });
        break;
      }
      case 'lane-taken-over': {
        const from = lanes.get(data.lane);
        const by = lanes.get(event.data.by);
        const percent = Math.max(from?.percent ?? 0, by?.percent ?? 0);
        update(event.data.by, { percent, widestHeld: Math.max(percent, by?.widestHeld ?? 0) });
        update(data.lane, { status: 'taken-over', heldBy: event.data.by });
        break;
      }
      case 'lane-handed-back':
        update(data.lane, { status: 'live', heldBy: undefined });
        update(event.data.from, { percent: 0 });
        break;
      case 'lane-retired':
        update(data.lane, { status: 'retired', percent: 0, reason: event.data.reason, heldBy: undefined });
        break;
    }
  }
  return [...lanes.values()];
}

/** The lanes that route users now, in the order the router tries them. */
export const routingLanes = (lanes: readonly LiveLane[]) => lanes.filter((lane) => lane.status === 'live');

/** A slot no lane that still has instances uses (a taken-over lane keeps its slot until it is retired). */
export function freeSlot(lanes: readonly LiveLane[], slots: number): number | undefined {
  const used = new Set(lanes.filter((lane) => lane.status !== 'retired').map((lane) => lane.slot));
  for (let slot = 1; slot <= slots; slot++) if (!used.has(slot)) return slot;
  return undefined;
}

export const asRouted = (lane: LiveLane): RoutedLane => ({
  lane: lane.lane,
  features: lane.features,
  segment: lane.segment,
  range: lane.range,
  percent: lane.percent,
  widest: lane.widest,
});

/**
 * The users of retired lanes that the live lanes' exclusions still keep out: a lane that excludes
 * those served A keeps out the users a retired lane once served A. Each is a lane at 0% that reaches
 * the buckets it held at its widest, so routing judges it only as an exclusion. Newest first, at
 * most `room`.
 */
export function exposureHolders(lanes: readonly LiveLane[], room: number): RoutedLane[] {
  const excluded = new Set(routingLanes(lanes).flatMap((lane) => lane.segment.exclude?.features ?? []));
  return lanes
    .filter((lane) => lane.status === 'retired' && lane.features.some((f) => excluded.has(f)))
    .filter((lane) => (lane.widestHeld ?? 0) > 0)
    .reverse()
    .slice(0, Math.max(0, room))
    .map((lane) => ({
      lane: `seen-${lane.lane}`,
      features: lane.features,
      segment: withoutExclusions(lane.segment),
      range: lane.range,
      percent: 0,
      widest: lane.widestHeld,
    }));
}

function withoutExclusions(segment: Segment): Segment {
  const { exclude, ...rest } = segment;
  void exclude;
  return rest;
}

/** One entry of the exposure ledger: an audience served a version and its features, from `since` to `until`. */
export interface Exposure {
  lane: string;
  version: string;
  features: string[];
  segment: Segment;
  buckets: BucketRange;
  since: string;
  /** When those users stopped being served it (the lane shrank, was retired or taken over); open while served. */
  until?: string;
}

/**
 * The exposure ledger: each time a lane's buckets grow, the users it newly holds are served its
 * version from then on; they stop when it shrinks or is retired, or — taken over — when its
 * successor serves them. "Users who have seen A" is the union of the entries whose features hold A.
 */
export function exposureLedger(events: readonly LaneEvent[]): Exposure[] {
  const ledger: Exposure[] = [];
  const deployed = new Map<string, LaneDeployment>();
  const percent = new Map<string, number>();
  const close = (lane: string, at: string) => {
    for (const entry of ledger) if (entry.lane === lane && entry.until === undefined) entry.until = at;
  };
  const open = (lane: string, to: number, at: string) => {
    const d = deployed.get(lane);
    const held = d && reachOf(d.range, to);
    if (!d || !held) return;
    ledger.push({ lane, version: d.version, features: d.features, segment: d.segment, buckets: held, since: at });
  };
  for (const event of events) {
    if (event.type === 'lane-deployed') {
      deployed.set(event.data.lane, event.data);
      percent.set(event.data.lane, 0);
    } else if (event.type === 'lane-routed' || event.type === 'lane-taken-over') {
      const lane = event.type === 'lane-routed' ? event.data.lane : event.data.by;
      const from = event.type === 'lane-taken-over' ? (percent.get(event.data.lane) ?? 0) : undefined;
      const to = event.type === 'lane-routed' ? event.data.percent : Math.max(from!, percent.get(lane) ?? 0);
      if (event.type === 'lane-taken-over') close(event.data.lane, event.at);
      if (to !== (percent.get(lane) ?? 0) || event.type === 'lane-taken-over') {
        close(lane, event.at);
        open(lane, to, event.at);
      }
      percent.set(lane, to);
    } else if (event.type === 'lane-handed-back') {
      close(event.data.from, event.at);
      percent.set(event.data.from, 0);
      open(event.data.lane, percent.get(event.data.lane) ?? 0, event.at);
    } else if (event.type === 'lane-retired') {
      close(event.data.lane, event.at);
      percent.set(event.data.lane, 0);
    }
  }
  return ledger;
}

/** The ledger's entries whose version served any of `features` (the users "who have seen A or B"). */
export const exposedTo = (ledger: readonly Exposure[], features: readonly string[]) =>
  ledger.filter((entry) => entry.features.some((f) => features.includes(f)));

export const describeExposure = (entry: Exposure) =>
  `${entry.version}${entry.features.length ? ` (${entry.features.join(', ')})` : ''} ` +
  `to ${describeBuckets(entry.buckets)}`;
