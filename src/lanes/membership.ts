/**
 * Which lane serves a user: the user's tags, region, OS (`ios/17.4`, `web`) and app version against
 * each lane's audience, and the user's sticky bucket against the buckets the lane holds now. The
 * exclusions of a lane are judged against the other lanes' audiences and the buckets they reach at
 * their widest step, without their own exclusions (a user is kept out of a lane by where the others
 * will serve them, so no one moves as they grow). The HAProxy
 * router does the same with the route table (route-table.ts); a lab test holds the two equal. Pure.
 */
import semver from 'semver';
import type { Segment } from './audience.js';
import { bucketOf, reachOf, type BucketRange } from './buckets.js';
import { parseRange } from './version-range.js';

export interface LaneUser {
  id: string;
  tags: readonly string[];
  region?: string;
  /** "family/version", or a family alone ("web"). */
  os?: string;
  appVersion?: string;
}

/** A lane as routing sees it: its audience, the buckets its range holds at its current percentage. */
export interface RoutedLane {
  lane: string;
  features: readonly string[];
  segment: Segment;
  range: BucketRange;
  percent: number;
  /**
   * The percentage its steps end at (default: `percent`). Other lanes keep out the users it will
   * reach, not only those it holds now, so no one has to move when it grows.
   */
  widest?: number;
}

/** The lane serving `user`, or undefined: the stable version. Lanes are tried in order. */
export function laneForUser(user: LaneUser, lanes: readonly RoutedLane[], salt: number): RoutedLane | undefined {
  const bucket = bucketOf(user.id, salt);
  return lanes.find((lane) => reaches(lane, user, bucket) && !excluded(lane, user, bucket, lanes));
}

/** The user is in the lane's audience and among the buckets it holds now, or at its widest (exclusions aside). */
export function reaches(lane: RoutedLane, user: LaneUser, bucket: number, at: 'now' | 'widest' = 'now'): boolean {
  const held = reachOf(lane.range, at === 'now' ? lane.percent : Math.max(lane.percent, lane.widest ?? 0));
  return held !== undefined && bucket >= held.from && bucket <= held.to && inSegment(lane.segment, user);
}

function excluded(lane: RoutedLane, user: LaneUser, bucket: number, lanes: readonly RoutedLane[]): boolean {
  const out = lane.segment.exclude;
  if (!out) return false;
  if (out.userTags?.some((t) => user.tags.includes(t))) return true;
  if (user.region !== undefined && out.regions?.includes(user.region)) return true;
  return lanes.some(
    (other) =>
      other !== lane &&
      (out.lanes?.includes(other.lane) || other.features.some((f) => out.features?.includes(f))) &&
      reaches(other, user, bucket, 'widest'),
  );
}

export function inSegment(segment: Segment, user: LaneUser): boolean {
  if (segment.userTags?.length && !segment.userTags.some((t) => user.tags.includes(t))) return false;
  if (segment.regions?.length && (user.region === undefined || !segment.regions.includes(user.region))) return false;
  if (segment.os && !osMatches(segment.os, user.os)) return false;
  if (
    segment.appVersion !== undefined &&
    !anyVersion(segment.appVersion) &&
    !versionIn(user.appVersion, segment.appVersion)
  )
    return false;
  return true;
}

const anyVersion = (range: string) => parseRange(range)?.range === '';

function osMatches(wanted: Record<string, string>, os: string | undefined): boolean {
  if (os === undefined) return false;
  const [family, version] = os.split('/', 2) as [string, string | undefined];
  const range = wanted[family];
  if (range === undefined) return false;
  return anyVersion(range) || versionIn(version, range);
}

/**
 * A user's version as the router reads it: leading digits, major[.minor[.patch]], pre-releases and
 * builds aside ("17.4" is 17.4.0; "build-3" is no version).
 */
function versionIn(version: string | undefined, range: string): boolean {
  const parsed = parseRange(range);
  const match = version === undefined ? null : /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!parsed || !match) return false;
  const plain = `${Number(match[1])}.${Number(match[2] ?? 0)}.${Number(match[3] ?? 0)}`;
  return parsed.set.some((comparators) =>
    comparators.every((c) => c.value === '' || semver.cmp(plain, c.operator || '=', withoutPrerelease(c.semver))),
  );
}

const withoutPrerelease = (v: semver.SemVer) => `${v.major}.${v.minor}.${v.patch}`;
