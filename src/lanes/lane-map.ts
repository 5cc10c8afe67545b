/** The lane map a plan shows: who is served which version and features once the change is merged. Pure. */
import { describeBuckets } from './buckets.js';
import type { Lane } from './lane.js';
import type { Segment } from './audience.js';

export function renderLaneMap(lanes: readonly Lane[]): string {
  if (lanes.length === 0) return '';
  const groups = new Map<string, Lane[]>();
  for (const lane of lanes)
    groups.set(`${lane.service} (${lane.env})`, [...(groups.get(`${lane.service} (${lane.env})`) ?? []), lane]);
  return [...groups]
    .map(([service, group]) =>
      [
        `### Canary lanes of ${service} once this is merged`,
        '',
        '| lane | version | features | audience | buckets at the widest step | lineage |',
        '|---|---|---|---|---|---|',
        ...group.map(
          (lane) =>
            `| ${lane.lane} | ${lane.version} | ${lane.features.join(', ') || '–'} | ${describeSegment(lane.segment)}` +
            `${lane.inherited ? ' (taken over)' : ''} | ${reachWords(lane)} | ` +
            `${lane.replaces ? `takes over ${lane.replaces}'s users` : '–'} |`,
        ),
        '',
        'Everyone else is served the stable version. Percentages are sticky: a growing lane only adds users.',
      ].join('\n'),
    )
    .join('\n\n');
}

export function describeSegment(segment: Segment): string {
  const excluded = segment.exclude
    ? [
        ...(segment.exclude.userTags ?? []).map((t) => `tagged ${t}`),
        ...(segment.exclude.regions ?? []).map((r) => `in ${r}`),
        ...(segment.exclude.features ?? []).map((f) => `served ${f}`),
        ...(segment.exclude.lanes ?? []).map((l) => `in ${l}`),
      ]
    : [];
  const parts = [
    segment.userTags?.length ? `tagged ${segment.userTags.join(' or ')}` : '',
    segment.regions?.length ? `in ${segment.regions.join(' or ')}` : '',
    ...Object.entries(segment.os ?? {}).map(([os, range]) => `${os} ${range}`),
    segment.appVersion ? `app ${segment.appVersion}` : '',
    excluded.length ? `not ${excluded.join(', not ')}` : '',
  ].filter(Boolean);
  return parts.join(', ') || 'everyone';
}

const reachWords = (lane: Lane) => (lane.buckets ? `${describeBuckets(lane.buckets)} (${lane.percent}%)` : 'none');
