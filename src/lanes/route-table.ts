/**
 * The route table HAProxy's lane router reads: one map entry per lane, in the order lanes are
 * tried (`lane1`, `lane2`, …), each a compact line saying the backend and who the lane holds now:
 *
 *   b=<backend>/r=<from>-<to>/w=<from>-<to>/t=<tags>/g=<regions>/o=<os>/a=<app>/xt=<tags>/xg=<regions>/x=<lane keys>
 *   /n=<baseline backend>/m=<from>-<to>
 *
 * `r` is the buckets held at the lane's current percentage (none at 0%), `w` those it reaches at its widest step
 * (what other lanes' exclusions keep out, so no one moves as it grows); `o` is `family:<ranges>` joined by `+`,
 * a range being comparator sets joined by `|`, each comparator joined by `&` (`ios:>=17.0.0&<18.0.0`,
 * `web:*`); `a` is such a range for the app version; `x` names the entries whose users this lane
 * keeps out (judged without their own exclusions). `n` is the backend that serves the rest of the
 * lane's audience `m` (its whole bucket range) the stable version: the lane's baseline, measured
 * apart so the lane is judged against the same segment (a user in several lanes' audiences counts
 * for one of them, by bucket). Fields that do not restrict are left out. The
 * lines hold no space and no `;` (the runtime API's separators), so `set map` takes them as they
 * are. Pure.
 */
import { reachOf } from './buckets.js';
import type { RoutedLane } from './membership.js';
import { parseRange } from './version-range.js';

export interface RouteEntry {
  key: string;
  value: string;
}

/** `backendOf` names the HAProxy backend serving each lane. A lane that will never hold a bucket is left out. */
export function routeTable(
  lanes: readonly RoutedLane[],
  backendOf: (lane: RoutedLane) => string,
  baselineOf?: (lane: RoutedLane) => string | undefined,
): RouteEntry[] {
  const keyOf = new Map(lanes.map((lane, i) => [lane.lane, `lane${i + 1}`]));
  return lanes.flatMap((lane) => {
    const held = reachOf(lane.range, lane.percent);
    const widest = reachOf(lane.range, Math.max(lane.percent, lane.widest ?? 0));
    // A lane at 0% serves no one, but others still keep out the users it will reach.
    if (!widest) return [];
    const { segment } = lane;
    const out = segment.exclude;
    const excludedKeys = lanes
      .filter((o) => o !== lane && (out?.lanes?.includes(o.lane) || o.features.some((f) => out?.features?.includes(f))))
      .map((o) => keyOf.get(o.lane)!);
    const fields: [string, string | undefined][] = [
      ['b', backendOf(lane)],
      ['r', held ? `${held.from}-${held.to}` : undefined],
      ['w', `${widest.from}-${widest.to}`],
      ['t', segment.userTags?.length ? segment.userTags.join(',') : undefined],
      ['g', segment.regions?.length ? segment.regions.join(',') : undefined],
      [
        'o',
        segment.os
          ? Object.entries(segment.os)
              .map(([family, range]) => `${family}:${comparators(range)}`)
              .join('+')
          : undefined,
      ],
      ['a', segment.appVersion !== undefined ? comparators(segment.appVersion) : undefined],
      ['xt', out?.userTags?.length ? out.userTags.join(',') : undefined],
      ['xg', out?.regions?.length ? out.regions.join(',') : undefined],
      ['x', excludedKeys.length ? excludedKeys.join(',') : undefined],
      ['n', baselineOf?.(lane)],
      ['m', baselineOf?.(lane) ? `${lane.range.from}-${lane.range.to}` : undefined],
    ];
    const value = fields.flatMap(([name, v]) => (v === undefined ? [] : [`${name}=${v}`])).join('/');
    return [{ key: keyOf.get(lane.lane)!, value }];
  });
}

/** A version range as comparator sets: `>=17.0.0&<18.0.0|=16.4.0`, or `*` for any version. */
export function comparators(range: string): string {
  const parsed = parseRange(range);
  if (!parsed || parsed.range === '') return '*';
  return parsed.set
    .map((set) =>
      set
        .map((c) =>
          c.value === '' ? '*' : `${c.operator || '='}${c.semver.major}.${c.semver.minor}.${c.semver.patch}`,
        )
        .join('&'),
    )
    .join('|');
}
