/**
 * A lane: one version of a service live beside the stable one, with its audience and the sticky
 * buckets it reaches at its widest step, its features and its lineage. The lanes of a repository
 * are its Rollout tasks: a replacement takes over the lane it replaces (its users and buckets,
 * unless it names an audience of its own), which then is no longer live. Pure.
 */
import type { Rollout } from '../manifest/model.js';
import { parsePercent } from '../manifest/units.js';
import type { Reach, Segment } from './audience.js';
import { allBuckets, parseBuckets, reachOf, type BucketRange } from './buckets.js';

export interface Lane extends Reach {
  service: string;
  env: string;
  version: string;
  replaces?: string;
  /** The buckets the lane's percentages are shares of (its `audience.buckets`, else all). */
  range: BucketRange;
  /** Its widest step, in percent. */
  percent: number;
  /** It names an audience of its own (else a replacement inherits its predecessor's). */
  ownAudience: boolean;
  /** The audience was inherited from the lane it replaces. */
  inherited: boolean;
}

/** What a Rollout says about its lane, once its template's defaults are applied. */
export interface RolloutDeclaration {
  name: string;
  service: string;
  env: string;
  spec: Rollout['spec'];
}

export function laneOf(rollout: RolloutDeclaration): Lane {
  const { spec } = rollout;
  const { buckets, ...segment } = spec.audience ?? {};
  const range = (buckets && parseBuckets(buckets)) || allBuckets;
  const percent = Math.max(0, ...(spec.steps ?? []).map((s) => parsePercent(s) ?? 0));
  return {
    lane: rollout.name,
    service: rollout.service,
    env: rollout.env,
    version: spec.version,
    features: spec.features ?? [],
    ...(spec.replaces ? { replaces: spec.replaces } : {}),
    segment: withoutEmptyLists(segment as Segment),
    range,
    percent,
    buckets: reachOf(range, percent),
    ownAudience: spec.audience !== undefined,
    inherited: false,
  };
}

/**
 * The live lanes: each replacement takes over its predecessor's users where it names no audience
 * of its own (following the lineage to its root), and the lanes it replaced are gone. A lineage
 * that loops is left as declared (the conflict check reports it).
 */
export function liveLanes(declared: readonly Lane[]): Lane[] {
  const byName = new Map(declared.map((lane) => [lane.lane, lane]));
  const successor = new Map(
    declared.flatMap((lane) => (lane.replaces && byName.has(lane.replaces) ? [[lane.replaces, lane.lane]] : [])),
  );
  return declared
    .filter((lane) => !successor.has(lane.lane))
    .map((lane) => withSuccessorsExcluded(withInheritance(lane, byName), successor));
}

/** An exclusion of a lane's users that has been taken over names the lane that holds them now. */
function withSuccessorsExcluded(lane: Lane, successor: ReadonlyMap<string, string>): Lane {
  const named = lane.segment.exclude?.lanes;
  if (!named?.some((name) => successor.has(name))) return lane;
  const holder = (name: string) => {
    const seen = new Set<string>();
    while (successor.has(name) && !seen.has(name)) {
      seen.add(name);
      name = successor.get(name)!;
    }
    return name;
  };
  const lanes = [...new Set(named.map(holder))];
  return { ...lane, segment: { ...lane.segment, exclude: { ...lane.segment.exclude, lanes } } };
}

export function withInheritance(lane: Lane, byName: ReadonlyMap<string, Lane>): Lane {
  if (!lane.replaces || lane.ownAudience) return lane;
  const seen = new Set([lane.lane]);
  let root = byName.get(lane.replaces);
  while (root?.replaces && !root.ownAudience && !seen.has(root.lane)) {
    seen.add(root.lane);
    root = byName.get(root.replaces);
  }
  if (!root || seen.has(root.lane)) return lane;
  return {
    ...lane,
    segment: root.segment,
    range: root.range,
    buckets: reachOf(root.range, lane.percent),
    inherited: true,
  };
}

/** The lineage of `lane` back to its root: [lane, what it replaces, …]; stops at a loop and says so. */
export function lineageOf(lane: Lane, byName: ReadonlyMap<string, Lane>): { names: string[]; loops: boolean } {
  const names = [lane.lane];
  let next = lane.replaces;
  while (next !== undefined) {
    if (names.includes(next)) return { names: [...names, next], loops: true };
    names.push(next);
    next = byName.get(next)?.replaces;
  }
  return { names, loops: false };
}

/** An empty list restricts nothing, as routing reads it: it is left out, so planning reads it so too. */
function withoutEmptyLists(segment: Segment): Segment {
  const { exclude, ...rest } = segment;
  const keep = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => !(Array.isArray(v) && v.length === 0))) as T;
  const excluded = exclude ? keep(exclude) : undefined;
  return { ...keep(rest), ...(excluded && Object.keys(excluded).length ? { exclude: excluded } : {}) };
}
