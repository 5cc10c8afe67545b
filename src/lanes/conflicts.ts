/**
 * Lane conflicts, checked on every change against the other lanes of the repository: two unrelated
 * lanes that could serve the same user; a replacement that would take features away from the users
 * it takes over, or leave some of them behind; a lineage that replaces something that is not a
 * canary lane, or loops. Each is reported at the manifest line, with the users in words and, where
 * one exists, the safe fix. Pure.
 */
import type { LoadedTask } from '../manifest/model.js';
import type { Diagnostic, Path } from '../manifest/diagnostic.js';
import { covers, overlapOf } from './audience.js';
import { allBuckets, describeBuckets } from './buckets.js';
import { lineageOf, liveLanes, withInheritance, type Lane } from './lane.js';

export interface DeclaredLane {
  lane: Lane;
  task: LoadedTask;
  /** Changed by this pull request: conflicts are reported on these. */
  reported: boolean;
}

/** `kinds`: every task of the repository by name, for what a `replaces` names. */
export function laneConflicts(declared: readonly DeclaredLane[], kinds: ReadonlyMap<string, string>): Diagnostic[] {
  const byName = new Map(declared.map((d) => [d.lane.lane, d.lane]));
  const diagnostics: Diagnostic[] = [];
  const report = (d: DeclaredLane, path: Path, rule: string, message: string) =>
    diagnostics.push({
      file: d.task.doc.file,
      ...d.task.doc.at(path),
      severity: 'error',
      field: path.join('.'),
      rule,
      message,
    });
  for (const d of declared.filter((x) => x.reported)) {
    const problem = lineageProblem(d.lane, byName, kinds);
    if (problem) report(d, ['spec', 'replaces'], 'lane-lineage', problem);
    else if (d.lane.replaces) takeoverProblems(d, byName, report);
  }
  const live = liveLanes(declared.map((d) => d.lane));
  const reported = new Set(declared.filter((d) => d.reported).map((d) => d.lane.lane));
  const declaredOf = new Map(declared.map((d) => [d.lane.lane, d]));
  for (const [i, a] of live.entries()) {
    for (const b of live.slice(i + 1)) {
      if (a.service !== b.service || a.env !== b.env) continue;
      const shared = overlapOf(a, b);
      if (!shared) continue;
      // Reported where this change made it: on the lane it brings (both, when it brings both), or
      // on the lane it changes whose audience a live successor inherits.
      for (const [mine, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const at = responsibleFor(mine, declaredOf, reported);
        if (!at) continue;
        const where: Path = at.lane.ownAudience ? ['spec', 'audience'] : ['metadata', 'name'];
        const through = at.lane.lane === mine.lane ? '' : `through ${mine.lane}, which takes over its users: `;
        report(at, where, 'lane-overlap', `${through}${overlapMessage(mine, other, shared)}`);
      }
    }
  }
  return diagnostics;
}

/** The lane of this change that gives `lane` its audience: itself, or the ancestor it inherits from. */
function responsibleFor(
  lane: Lane,
  declaredOf: ReadonlyMap<string, DeclaredLane>,
  reported: ReadonlySet<string>,
): DeclaredLane | undefined {
  if (reported.has(lane.lane)) return declaredOf.get(lane.lane);
  const seen = new Set<string>();
  let current = declaredOf.get(lane.lane)?.lane;
  while (current?.replaces && !current.ownAudience && !seen.has(current.lane)) {
    seen.add(current.lane);
    const up = declaredOf.get(current.replaces);
    if (up && reported.has(up.lane.lane)) return up;
    current = up?.lane;
  }
  return undefined;
}

function lineageProblem(lane: Lane, byName: ReadonlyMap<string, Lane>, kinds: ReadonlyMap<string, string>) {
  if (!lane.replaces) return undefined;
  const kind = kinds.get(lane.replaces);
  // A name that is no task at all is the reference rule's to report.
  if (kind === undefined || lane.replaces === lane.lane) return undefined;
  if (kind !== 'Rollout')
    return `'${lane.replaces}' is a ${kind}, not a Rollout: only a canary lane's users can be taken over`;
  // A Rollout that could not be planned is no lane: its own findings say why.
  const replaced = byName.get(lane.replaces);
  if (!replaced) return undefined;
  if (replaced.service !== lane.service || replaced.env !== lane.env)
    return (
      `'${lane.replaces}' is a lane of ${replaced.service} (${replaced.env}), ` + `not of ${lane.service} (${lane.env})`
    );
  const { names, loops } = lineageOf(lane, byName);
  if (loops) return `the lineage loops (${names.join(' → ')}): a lane cannot take over its own users`;
  return undefined;
}

function takeoverProblems(
  d: DeclaredLane,
  byName: ReadonlyMap<string, Lane>,
  report: (d: DeclaredLane, path: Path, rule: string, message: string) => void,
) {
  const lane = withInheritance(d.lane, byName);
  const predecessor = byName.get(lane.replaces!);
  if (!predecessor) return;
  const replaced = withInheritance(predecessor, byName);
  const users = replaced.buckets ? describeUsers(replaced) : undefined;
  const lost = replaced.features.filter((f) => !lane.features.includes(f));
  if (lost.length && users) {
    report(
      d,
      ['spec', 'features'],
      'lane-feature-loss',
      `this version takes over the users of ${replaced.lane} (${users}) without ${list(lost)}, which ` +
        `${replaced.version} serves them: they would lose ${lost.length === 1 ? 'it' : 'them'}. Carry ` +
        `${list(lost)} in this version, or give it a lane of its own that excludes them ` +
        `(audience.exclude.features: [${replaced.features.join(', ')}])`,
    );
  }
  if (users && !covers(lane, replaced)) {
    const loses = `to the stable version${replaced.features.length ? ` and lose ${list(replaced.features)}` : ''}`;
    report(
      d,
      lane.ownAudience ? ['spec', 'audience'] : ['spec', 'steps'],
      'lane-takeover',
      lane.ownAudience
        ? `this audience does not cover every user of ${replaced.lane} (${users}): those left out would go back ` +
            `${loses}. Leave the audience out to take over ${replaced.lane}'s audience as it is, or widen it`
        : `at its widest step this version reaches ${lane.buckets ? describeBuckets(lane.buckets) : 'no bucket'}, ` +
            `fewer than ${replaced.lane} (${users}): the users in between would go back ${loses}. ` +
            `End the steps at ${replaced.percent}% or more`,
    );
  }
}

function overlapMessage(mine: Lane, other: Lane, shared: string): string {
  const served = (lane: Lane) => `${lane.version}${lane.features.length ? `, ${list(lane.features)}` : ''}`;
  const lost = other.features.filter((f) => !mine.features.includes(f));
  const fixes = [
    other.features.length
      ? `exclude the users who have been served ${list(other.features)} ` +
        `(audience.exclude.features: [${other.features.join(', ')}])`
      : `exclude ${other.lane}'s users (audience.exclude.lanes: [${other.lane}])`,
  ];
  if (other.buckets && other.buckets.to < allBuckets.to)
    fixes.push(
      `take buckets ${other.buckets.to + 1}-${allBuckets.to}, which ${other.lane} does not reach (audience.buckets)`,
    );
  // A version that carries everything the other lane serves can take its users over instead.
  const merge =
    other.features.length > 0 && lost.length === 0 && !mine.replaces
      ? `. ${mine.version} carries every feature of ${other.lane} (${list(other.features)}): it can take over ` +
        `its users instead (replaces: ${other.lane}), one lane rather than two`
      : '';
  return (
    `${shared} would be in both ${other.lane} (${served(other)}) and ${mine.lane} (${served(mine)})` +
    `${lost.length ? `: some would lose ${list(lost)}` : ''}. To keep the lanes apart, ${fixes.join(', or ')}${merge}`
  );
}

function describeUsers(lane: Lane): string {
  const { segment } = lane;
  const parts = [
    segment.userTags?.length ? `tagged ${segment.userTags.join(' or ')}` : '',
    segment.regions?.length ? `in ${segment.regions.join(' or ')}` : '',
    ...Object.entries(segment.os ?? {}).map(([os, range]) => `on ${os} ${range}`),
    segment.appVersion ? `app ${segment.appVersion}` : '',
    lane.buckets!.from === allBuckets.from && lane.buckets!.to === allBuckets.to ? '' : describeBuckets(lane.buckets!),
  ].filter(Boolean);
  return parts.join(', ') || 'everyone';
}

const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
