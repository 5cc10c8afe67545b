/**
 * Leaks: goroutines (named after the function whose goroutines grow, from the profile diff) and
 * memory that grows while goroutines do not. Both come with the rate, the time to the memory limit,
 * the version they come with and the change that brought it; restarting buys time, reverting the
 * change removes the cause.
 */
import type { Cause, Remediation } from '../cause.js';
import { triggerOf, type Facts, type Leak } from '../facts.js';
import { growingFunctions } from '../goroutine-profile.js';
import { formatBytes, formatCount, formatDuration } from '../words.js';

export function goroutineLeak(facts: Facts): Cause | undefined {
  const leaks = facts.goroutineLeaks;
  if (leaks.length === 0) return undefined;
  const { signals } = facts;
  const leaking = new Set(leaks.map((l) => l.series.where.instance));
  const top = growingFunctions(signals.profiles.filter((p) => leaking.has(p.instance)))[0];
  const perSecond = leaks.reduce((s, l) => s + l.verdict.slopePerSecond, 0);
  const memory = facts.memoryLeaks.filter((m) => leaking.has(m.series.where.instance));
  const secondsToLimit = minimum(memory.map((m) => m.verdict.secondsToLimit));
  const version = sharedVersion(facts, leaks, 'goroutines');
  const trigger = version ? triggerOf(signals.changes, leaks[0]!.series.points[0]![0], 86_400, version) : undefined;
  const where = { ...(version ? { version } : {}), ...(top ? { function: top.function } : {}) };
  const subject = `${signals.service}${version ? ` ${version}` : ''}`;
  const limit = signals.limits.memoryBytes;
  const headline = [
    `Goroutine leak in ${subject}`,
    top
      ? `: \`${top.function}\` holds ${formatCount(top.count)} goroutines, +${formatCount(top.perSecond)}/s`
      : `: +${formatCount(perSecond)} goroutines/s`,
    trigger ? ` since #${trigger.pullNumber} (${trigger.task})` : '',
    secondsToLimit !== undefined && limit
      ? `; memory reaches its ${formatBytes(limit)} limit in ~${formatDuration(secondsToLimit)}`
      : '',
  ].join('');
  return {
    class: 'goroutine-leak',
    headline,
    symptom: 'goroutines',
    title: `Goroutine leak in ${subject}${top ? `: ${top.function}` : ''}`,
    confidence: 0.6 + (top ? 0.2 : 0) + (version ? 0.1 : 0) + (trigger ? 0.1 : 0),
    where,
    affected: instancesOf(leaks),
    evidence: [
      ...leaks.map((l) => ({
        text: `${l.series.where.instance}: goroutines ${l.verdict.reason}, +${formatCount(l.verdict.slopePerSecond)}/s`,
        source: l.series.query,
      })),
      ...(top
        ? [
            {
              text: `${top.function} (${top.location}) holds ${formatCount(top.count)} goroutines, +${formatCount(top.perSecond)}/s between two profiles`,
              source: 'goroutine profiles (debug=1)',
            },
          ]
        : []),
      ...memory.map((m) => ({
        text: `${m.series.where.instance}: memory grows with them, ${m.verdict.reason}`,
        source: m.series.query,
      })),
    ],
    ruledOut: [...notLoad(facts), ...otherVersionsFlat(facts, leaks, 'goroutines'), ...usersUnaffected(facts)],
    remediations: remedies(signals.service, trigger),
    rate: { perSecond, unit: 'goroutines', ...(secondsToLimit !== undefined ? { secondsToLimit } : {}) },
    ...(trigger ? { trigger: { runId: trigger.runId, pullNumber: trigger.pullNumber, summary: trigger.summary } } : {}),
    onset: trigger?.finishedAt ?? leaks[0]!.series.points[0]![0],
  };
}

export function memoryLeak(facts: Facts): Cause | undefined {
  const goroutineInstances = new Set(facts.goroutineLeaks.map((l) => l.series.where.instance));
  const leaks = facts.memoryLeaks.filter((l) => !goroutineInstances.has(l.series.where.instance));
  if (leaks.length === 0) return undefined;
  const { signals } = facts;
  const secondsToLimit = minimum(leaks.map((l) => l.verdict.secondsToLimit));
  const version = sharedVersion(facts, leaks, 'memory');
  const trigger = version ? triggerOf(signals.changes, leaks[0]!.series.points[0]![0], 86_400, version) : undefined;
  const limit = signals.limits.memoryBytes;
  const leaking = new Set(leaks.map((l) => l.series.where.instance));
  const top = growingFunctions((signals.heapProfiles ?? []).filter((p) => leaking.has(p.instance)))[0];
  const subject = `${signals.service}${version ? ` ${version}` : ''}`;
  const perSecond = leaks.reduce((s, l) => s + l.verdict.slopePerSecond, 0);
  return {
    class: 'memory-leak',
    symptom: 'memory',
    title: `Memory leak in ${subject}${top ? `: ${top.function}` : ''}`,
    headline: [
      `Memory leak in ${subject}: `,
      top ? `\`${top.function}\` holds ${formatBytes(top.count)}, ` : '',
      `+${formatBytes(perSecond)}/s`,
      secondsToLimit !== undefined && limit
        ? `, its ${formatBytes(limit)} limit in ~${formatDuration(secondsToLimit)}`
        : '',
      trigger ? ` since #${trigger.pullNumber} (${trigger.task})` : '',
    ].join(''),
    confidence: 0.6 + (top ? 0.1 : 0) + (version ? 0.15 : 0) + (trigger ? 0.15 : 0),
    where: { ...(version ? { version } : {}), ...(top ? { function: top.function } : {}) },
    affected: instancesOf(leaks),
    evidence: [
      ...leaks.map((l) => ({
        text: `${l.series.where.instance}: memory ${l.verdict.reason}, +${formatBytes(l.verdict.slopePerSecond)}/s`,
        source: l.series.query,
      })),
      ...(top
        ? [
            {
              text: `${top.function} (${top.location}) holds ${formatBytes(top.count)} in use, +${formatBytes(top.perSecond)}/s between two heap profiles`,
              source: 'heap profiles (pprof)',
            },
          ]
        : []),
    ],
    ruledOut: [
      'goroutines do not grow on these instances: not a goroutine leak',
      'the floor left after each garbage collection rises: not a collector sawtooth',
      ...notLoad(facts),
    ],
    remediations: remedies(signals.service, trigger),
    rate: {
      perSecond: leaks.reduce((s, l) => s + l.verdict.slopePerSecond, 0),
      unit: 'bytes',
      ...(secondsToLimit !== undefined ? { secondsToLimit } : {}),
    },
    ...(trigger ? { trigger: { runId: trigger.runId, pullNumber: trigger.pullNumber, summary: trigger.summary } } : {}),
    onset: trigger?.finishedAt ?? leaks[0]!.series.points[0]![0],
  };
}

function remedies(service: string, trigger: { runId: string; summary: string } | undefined): Remediation[] {
  return [
    {
      id: 'rolling-restart',
      title: `Rolling restart of ${service}`,
      why: 'buys time: the instances start clean, but the leak comes back with the traffic',
    },
    ...(trigger
      ? [
          {
            id: 'rollback-change' as const,
            title: `Roll back ${trigger.summary}`,
            why: 'removes the cause',
            runId: trigger.runId,
          },
        ]
      : []),
  ];
}

/** The version every leaking instance runs, when no instance of another version leaks. */
function sharedVersion(facts: Facts, leaks: Leak[], role: 'goroutines' | 'memory'): string | undefined {
  const versions = new Set(leaks.map((l) => l.series.where.version));
  if (versions.size !== 1) return undefined;
  const [version] = versions;
  const all = facts.signals.series.filter((s) => s.role === role && s.where.instance !== undefined);
  const leakingOf = new Set(leaks.map((l) => l.series.where.instance));
  const sameVersionCalm = all.some((s) => s.where.version === version && !leakingOf.has(s.where.instance));
  return version && !sameVersionCalm ? version : undefined;
}

function otherVersionsFlat(facts: Facts, leaks: Leak[], role: 'goroutines' | 'memory'): string[] {
  const version = sharedVersion(facts, leaks, role);
  const others = facts.calm.filter((c) => c.series.role === role && c.series.where.version !== version);
  if (!version || others.length === 0) return [];
  const names = [...new Set(others.map((o) => o.series.where.version))].join(', ');
  return [`instances of ${names} stay flat: the leak comes with ${version}, not the host or the load`];
}

function notLoad(facts: Facts): string[] {
  return facts.traffic ? [] : ['traffic is flat: not load'];
}

function usersUnaffected(facts: Facts): string[] {
  const errors = facts.degradations.find((d) => d.role === 'errors');
  return errors?.service ? [] : ['errors did not rise: users are not affected yet'];
}

const instancesOf = (leaks: Leak[]) => leaks.flatMap((l) => (l.series.where.instance ? [l.series.where.instance] : []));

const minimum = (values: (number | undefined)[]) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.min(...known) : undefined;
};
