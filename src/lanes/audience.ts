/**
 * Audiences and their overlap. An audience selects users by tags (any of), region (one of), OS and
 * its version range (one OS a user), app version range, and a range of sticky buckets; it may
 * exclude tags, regions, the users of given lanes or those who have been served given features.
 * A user has one region, one OS and one app version, but may carry several tags: two audiences that
 * ask for different tags still share the users who carry both. Pure.
 */
import { allBuckets, describeBuckets, intersectBuckets, type BucketRange } from './buckets.js';
import { describeRange, rangeCovers, rangesMeet } from './version-range.js';

export interface Exclusion {
  userTags?: string[];
  regions?: string[];
  /** Users who have been served any of these features (the exposure ledger names them). */
  features?: string[];
  /** Users of these lanes (Rollout task names). */
  lanes?: string[];
}

export interface Segment {
  userTags?: string[];
  regions?: string[];
  /** OS name → version range. */
  os?: Record<string, string>;
  appVersion?: string;
  exclude?: Exclusion;
}

/** What an audience is to the algebra: the users it selects and the buckets it reaches at its widest. */
export interface Reach {
  /** The lane's name, for exclusions by lane. */
  lane: string;
  features: readonly string[];
  segment: Segment;
  /** Undefined: it reaches no bucket (0%). */
  buckets: BucketRange | undefined;
}

/**
 * The users two audiences share, in words ("beta users in cn-east on ios >=17 in buckets 0–499"), or
 * undefined when no user can be in both.
 */
export function overlapOf(a: Reach, b: Reach): string | undefined {
  if (excludes(a, b) || excludes(b, a)) return undefined;
  const buckets = a.buckets && b.buckets && intersectBuckets(a.buckets, b.buckets);
  if (!buckets) return undefined;
  const regions = meetLists(a.segment.regions, b.segment.regions);
  if (regions?.length === 0) return undefined;
  const os = meetOs(a.segment.os, b.segment.os);
  if (os?.length === 0) return undefined;
  const { appVersion: appA } = a.segment;
  const { appVersion: appB } = b.segment;
  if (appA !== undefined && appB !== undefined && !rangesMeet(appA, appB)) return undefined;
  const excluded = [a.segment.exclude, b.segment.exclude].flatMap((e) => [
    ...(e?.userTags ?? []).map((t) => `not tagged ${t}`),
    ...(e?.regions ?? []).map((r) => `not in ${r}`),
  ]);
  const apps = [appA, appB].filter((r): r is string => r !== undefined).map((r) => `app ${describeRange(r)}`);
  const where = [
    regions ? `in ${regions.join(' or ')}` : '',
    os ? `on ${os.join(' or ')}` : '',
    apps.length ? `with ${[...new Set(apps)].join(' and ')}` : '',
    buckets.from === allBuckets.from && buckets.to === allBuckets.to ? '' : `in ${describeBuckets(buckets)}`,
  ].filter(Boolean);
  return [[tagWords(a.segment.userTags, b.segment.userTags), ...where].join(' '), ...excluded].join(', ');
}

/** `outer` selects every user `inner` does, up to `inner`'s buckets (so a takeover keeps them all). */
export function covers(outer: Reach, inner: Reach): boolean {
  const [o, i] = [outer.segment, inner.segment];
  const listCovers = (big?: string[], small?: string[]) =>
    big === undefined || (small !== undefined && small.every((x) => big.includes(x)));
  const osCovers =
    o.os === undefined ||
    (i.os !== undefined &&
      Object.entries(i.os).every(([name, range]) => o.os![name] && rangeCovers(o.os![name]!, range)));
  const appCovers =
    o.appVersion === undefined || (i.appVersion !== undefined && rangeCovers(o.appVersion, i.appVersion));
  const bucketsCover =
    inner.buckets === undefined ||
    (outer.buckets !== undefined && outer.buckets.from <= inner.buckets.from && outer.buckets.to >= inner.buckets.to);
  // Exclusions it shares with `inner` (an inherited audience) leave out no one `inner` selects.
  const excludesNone =
    JSON.stringify(o.exclude ?? {}) === JSON.stringify(i.exclude ?? {}) ||
    (!o.exclude?.userTags?.length &&
      !o.exclude?.regions?.length &&
      !excludes(outer, inner) &&
      !o.exclude?.features?.length);
  return (
    listCovers(o.userTags, i.userTags) &&
    listCovers(o.regions, i.regions) &&
    osCovers &&
    appCovers &&
    bucketsCover &&
    excludesNone
  );
}

/** `a` keeps out every user `b` selects: by lane, by the features `b` serves, or by `b`'s tags or regions. */
function excludes(a: Reach, b: Reach): boolean {
  const out = a.segment.exclude;
  if (!out) return false;
  if (out.lanes?.includes(b.lane)) return true;
  if (out.features?.some((f) => b.features.includes(f))) return true;
  const tags = b.segment.userTags;
  if (tags?.length && out.userTags && tags.every((t) => out.userTags!.includes(t))) return true;
  const regions = b.segment.regions;
  return Boolean(regions?.length && out.regions && regions.every((r) => out.regions!.includes(r)));
}

/** The values both lists allow (undefined: no list restricts it). */
function meetLists(a?: string[], b?: string[]): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((x) => b.includes(x));
}

/** "ios >=17" for each OS both allow, its ranges meeting (undefined: neither restricts the OS). */
function meetOs(a?: Record<string, string>, b?: Record<string, string>): string[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined)
    return Object.entries((a ?? b)!).map(([os, range]) => `${os} ${describeRange(range)}`);
  return Object.keys(a)
    .filter((os) => b[os] !== undefined && rangesMeet(a[os]!, b[os]!))
    .map((os) => {
      const ranges = [...new Set([a[os]!, b[os]!].map(describeRange))].filter((r) => r !== 'any version');
      return ranges.length ? `${os} ${ranges.join(' and ')}` : os;
    });
}

function tagWords(a?: string[], b?: string[]): string {
  if (!a?.length && !b?.length) return 'users';
  if (!a?.length || !b?.length) return `${(a?.length ? a : b)!.join(' or ')} users`;
  const common = a.filter((t) => b.includes(t));
  if (common.length) return `${common.join(' or ')} users`;
  return `users tagged both ${a.join(' or ')} and ${b.join(' or ')}`;
}
