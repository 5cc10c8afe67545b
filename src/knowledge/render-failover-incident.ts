/**
 * A datacenter failover as its GitHub issue: where traffic is now and why, the evidence behind
 * every decision (query, values, thresholds), the weight commands sent, when the override expires,
 * the affected datacenter's latency curve, and the timeline. Regenerated in place. Pure.
 */
import type { WatchRecord } from '../app/watch-datacenters.js';
import type { Evidence } from '../failover/health.js';
import type { Decision } from '../failover/watch-machine.js';
import { cell, code } from '../plan/markdown.js';
import { mermaidChart } from './chart.js';
import type { CheckUpdate } from '../forge/forge.js';

export interface FailoverEpisode {
  service: string;
  /** The datacenter it is about; undefined for "all datacenters" and for instances. */
  dc?: string;
  openedAt: number;
  records: WatchRecord[];
  /** The affected datacenter's p99 (or the worst datacenter's) per scrape: [seconds, ms]. */
  curve: [number, number][];
  /** Its share of its normal traffic now. */
  keep: number;
  resolvedAt?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const pct = (share: number) => `${Math.round(share * 100)} %`;

export function failoverTitle(e: FailoverEpisode): string {
  const first = e.records[0]?.decision;
  const what =
    first?.kind === 'everywhere'
      ? `${e.service}: latency up in every datacenter (no failover)`
      : first?.kind === 'eject'
        ? `${e.service}: instance ${first.instance} in ${first.dc} ejected`
        : `${e.service}: ${e.dc} degraded, ${e.keep < 1 ? `at ${pct(e.keep)} of its traffic` : 'serving again'}`;
  return `${e.resolvedAt ? '[resolved] ' : ''}${what}`;
}

export function failoverLabels(e: FailoverEpisode): string[] {
  return [
    'zeroops',
    'incident',
    `service:${e.service}`,
    'class:datacenter-degraded',
    ...(e.resolvedAt ? ['resolved'] : []),
  ];
}

export function failoverBody(e: FailoverEpisode): string {
  const last = [...e.records].reverse().find((r) => r.changes.length > 0);
  const opening = e.records[0];
  return [
    `**${status(e)}**`,
    '',
    ...(opening ? evidenceTable(opening) : []),
    ...override(e),
    '### The curve',
    '',
    mermaidChart({
      title: `${e.dc ?? 'worst datacenter'} p99 per scrape`,
      unit: 'ms',
      points: e.curve,
      marks: e.records.map((r) => ({ at: r.at / 1000, label: describe(r.decision) })),
    }) || '_not enough scrapes for a chart yet_',
    '',
    ...(last ? ['### Weights at HAProxy', '', ...last.changes.map((c) => `- ${code(c.command)}`), ''] : []),
    '### Timeline',
    '',
    '| When (UTC) | Decision | Commands |',
    '|---|---|---|',
    ...e.records.map(
      (r) =>
        `| ${iso(r.at)} | ${cell(describe(r.decision))}${r.failure ? ` ⚠️ ${cell(r.failure)}` : ''} | ` +
        `${r.changes.map((c) => code(c.command)).join('<br>')} |`,
    ),
    '',
    `<sub>Queries: ${Object.entries(opening?.queries ?? {})
      .map(([name, q]) => `${name} ${code(q)}`)
      .join('; ')}</sub>`,
  ].join('\n');
}

function status(e: FailoverEpisode): string {
  const first = e.records[0]?.decision;
  if (first?.kind === 'everywhere')
    return (
      'Every datacenter is slower than its own baseline at once: a release or a shared dependency, ' +
      'not one datacenter. No traffic was moved.'
    );
  if (first?.kind === 'eject')
    return first.applied
      ? `One instance was far worse than the rest of ${first.dc}, which looked normal: that instance was put ` +
          'in drain at HAProxy, the datacenter kept. Set it `ready` again once it is fixed.'
      : `One instance, ${first.instance}, is far worse than the rest of ${first.dc}, which looks normal. ` +
          'The autonomy policy leaves ejecting it to a person.';
  if (first?.kind === 'cannot-drain')
    return `${e.dc} is degraded, but the other datacenters have no room for any of its traffic: nothing was moved.`;
  if (e.resolvedAt) return `${e.dc} held healthy through its warm-up and is back at its original weight.`;
  if (first?.kind === 'ask' && e.keep >= 1)
    return first.autonomy === 'confirm'
      ? `${e.dc} is degraded. The autonomy policy asks a person: comment \`/zeroops failover ${e.dc}\` to drain it.`
      : `${e.dc} is degraded. The autonomy policy (${first.autonomy}) only records: nothing is moved; ` +
          'a TrafficShift can.';
  return `${e.dc} is at ${pct(e.keep)} of its normal traffic.`;
}

function evidenceTable(r: WatchRecord): string[] {
  const evidence: Evidence[] = 'evidence' in r.decision ? r.decision.evidence : [];
  if (!evidence.length) return [];
  const value = (e: Evidence, v: number) => (e.metric === 'p99' ? `${v.toFixed(0)} ms` : `${(v * 100).toFixed(2)} %`);
  return [
    '| Datacenter | Metric | Now | Against | Its value | Limit |',
    '|---|---|---|---|---|---|',
    ...evidence.map(
      (e) =>
        `| ${cell(e.instance ? `${e.dc} / ${e.instance}` : e.dc)} | ${e.metric} | ${value(e, e.value)} | ` +
        `${e.against} | ` +
        `${value(e, e.reference)} | ${value(e, e.limit)} |`,
    ),
    '',
    ...(r.decision.kind === 'drain'
      ? [
          `Capacity check: ${
            r.decision.keep > 0
              ? `the others can carry only part of its load, so ${r.decision.dc} keeps ${pct(r.decision.keep)}`
              : 'the others can carry all of its load'
          }.`,
          ...r.decision.plan.basis.map((b) => `- ${cell(b)}`),
          '',
        ]
      : []),
  ];
}

function override(e: FailoverEpisode): string[] {
  const latest = [...e.records].reverse().find((r) => 'expiresAt' in r.decision);
  if (!latest || e.resolvedAt || e.keep >= 1) return [];
  const expiresAt = (latest.decision as { expiresAt: number }).expiresAt;
  return [
    `The weight override expires at ${iso(expiresAt)}: the watch then decides again on what it sees, and ` +
      'renews it only while the datacenter is not healthy.',
    '',
  ];
}

export function describe(d: Decision): string {
  switch (d.kind) {
    case 'drain':
      return d.keep > 0 ? `partial drain of ${d.dc}: keeps ${pct(d.keep)}` : `drained ${d.dc}`;
    case 'ask':
      return d.autonomy === 'confirm'
        ? `${d.dc} degraded: asked for /zeroops failover ${d.dc}`
        : `${d.dc} degraded: recorded only (autonomy ${d.autonomy})`;
    case 'cannot-drain':
      return `${d.dc} degraded, but the others have no room for its traffic: nothing moved`;
    case 'warm':
      return `warm-up step ${d.step + 1}: ${d.dc} at ${pct(d.keep)}`;
    case 'relapse':
      return (
        `${d.dc} relapsed (p99 ${d.sample.p99Ms.toFixed(0)} ms): drained again, ` +
        `next dwell ${d.nextDwellMs / 1000} s`
      );
    case 'restored':
      return `${d.dc} restored to its original weight`;
    case 'renew':
      return (
        `override of ${d.dc} renewed until ${iso(d.expiresAt)}: not healthy for its dwell yet ` +
        `(p99 ${Number.isFinite(d.sample.p99Ms) ? `${d.sample.p99Ms.toFixed(0)} ms` : 'unmeasured'})`
      );
    case 'recovered-unattended':
      return `${d.dc} recovered before anyone confirmed: nothing moved`;
    case 'eject':
      return d.applied
        ? `instance ${d.instance} of ${d.dc} ejected (drain)`
        : `instance ${d.instance} of ${d.dc} is the odd one out: left to a person (autonomy)`;
    case 'everywhere':
      return 'every datacenter degraded: no failover';
  }
}

/**
 * The episode as a check run on the default branch's approved commit, where the team's checks are
 * seen: in progress while traffic is moved, with the override's expiry; success once restored.
 */
export function failoverCheck(e: FailoverEpisode, issue: number): CheckUpdate {
  const done = e.resolvedAt !== undefined;
  return {
    status: done ? 'completed' : 'in_progress',
    ...(done ? { conclusion: 'success' as const } : {}),
    title: failoverTitle(e),
    summary: [`**${status(e)}**`, '', ...override(e), `The incident, with its timeline: #${issue}.`].join('\n'),
  };
}
