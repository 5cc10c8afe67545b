/**
 * Errors or latency that stepped up, explained by where they did: one instance (restart or eject
 * it), one datacenter (drain it), the instances of one version or every datacenter right after a
 * change (roll the change back: failing over would move the errors, not end them), or in step with
 * traffic (load: scale out; a rollback would not help). Each cause says why not the others.
 */
import type { Cause } from '../cause.js';
import { triggerOf, type Degradation, type Facts, type Scoped } from '../facts.js';
import type { Shift } from '../shift.js';
import { aggregate, ofRole } from '../signals.js';
import { correlation } from '../stats.js';
import { clock, formatPercent } from '../words.js';

export function degradationCauses(facts: Facts): Cause[] {
  return facts.degradations.flatMap((d) => {
    const cause = explain(facts, d);
    return cause ? [{ ...cause, symptom: d.role }] : [];
  });
}

function explain(facts: Facts, d: Degradation): Cause | undefined {
  const shifted = d.byInstance;
  const onset = Math.min(
    ...[d.service, ...d.byDc.map((s) => s.shift), ...shifted.map((s) => s.shift)].flatMap((s) => (s ? [s.onset] : [])),
  );
  if (!Number.isFinite(onset)) return undefined;
  const what = d.role === 'errors' ? 'errors' : 'latency';
  const window = facts.signals.window;
  if (inStepWithTraffic(facts, onset)) return load(facts, d, onset);
  const dcOf = instanceDcs(facts);
  if (shifted.length === 1) {
    const [one] = shifted;
    const neighbours = d.instances.filter((i) => i !== one!.key && dcOf.get(i) === dcOf.get(one!.key));
    if (neighbours.length > 0 || d.instances.length > 1)
      return badInstance(d, one!, dcOf.get(one!.key), neighbours, what);
  }
  const version = lonelyVersion(facts, d, onset);
  const trigger = triggerOf(facts.signals.changes, onset, Math.max(600, (window.end - window.start) * 2));
  if (version && trigger && (trigger.version ?? version.key) === version.key)
    return regression(facts, d, onset, trigger, what, version.key);
  const dcs = new Set(shifted.map((s) => dcOf.get(s.key)).concat(d.byDc.map((s) => s.key)));
  dcs.delete(undefined);
  if (dcs.size === 1 && d.dcs.length >= 2) return datacenter(d, [...dcs][0]!, what);
  if (trigger) return regression(facts, d, onset, trigger, what);
  return unexplained(facts, d, onset, what);
}

/** Traffic stepped up at about the same time, and the symptom moves with it. */
function inStepWithTraffic(facts: Facts, onset: number): boolean {
  const traffic = facts.traffic;
  if (!traffic) return false;
  const span = facts.signals.window.end - facts.signals.window.start;
  if (Math.abs(traffic.onset - onset) > span * 0.2) return false;
  const total = aggregate(ofRole(facts.signals, 'traffic'))?.points ?? [];
  const errors = aggregate(ofRole(facts.signals, 'errors'))?.points ?? [];
  return total.length === 0 || errors.length === 0 || correlation(total, errors) > 0.5;
}

function load(facts: Facts, d: Degradation, onset: number): Cause {
  const traffic = facts.traffic!;
  return {
    class: 'load',
    title: `Load on ${facts.signals.service}: ${d.role} rose with traffic (×${(traffic.after / traffic.before).toFixed(1)})`,
    confidence: 0.75,
    where: {},
    evidence: [
      {
        text: `traffic stepped up at ${clock(traffic.onset)}: ${traffic.before.toFixed(1)} → ${traffic.after.toFixed(1)} per second`,
      },
      ...(d.service ? [shiftText(d.role, 'the service', d.service)] : []),
    ],
    ruledOut: [
      `${d.role} rose in step with the requests, in every datacenter: not one datacenter or one instance`,
      'rolling back would not help: the code is the same, the demand is not',
      ...(triggerOf(facts.signals.changes, onset, 600)
        ? []
        : ['ZeroOps changed nothing on the service just before: not a release']),
    ],
    remediations: [
      {
        id: 'scale-out',
        title: `Scale ${facts.signals.service} out`,
        why: 'more capacity for the demand; not a rollback',
      },
    ],
    onset,
  };
}

function badInstance(d: Degradation, one: Scoped, dc: string | undefined, neighbours: string[], what: string): Cause {
  return {
    class: 'bad-instance',
    title: `One bad instance: ${one.key} (${what})`,
    confidence: 0.8,
    where: { instance: one.key, ...(dc ? { dc } : {}) },
    affected: [one.key],
    evidence: [shiftText(d.role, one.key, one.shift)],
    ruledOut: [
      ...(neighbours.length
        ? [`${neighbours.join(', ')} in ${dc ?? 'its datacenter'} serve normally: not the datacenter`]
        : []),
      `the other ${d.instances.length - 1} instance(s) are normal: not a release or load`,
    ],
    remediations: [
      {
        id: 'restart-instance',
        title: `Restart ${one.key}`,
        why: 'one instance, one restart; the datacenter keeps serving',
      },
    ],
    onset: one.shift.onset,
  };
}

function datacenter(d: Degradation, dc: string, what: string): Cause {
  const shift = d.byDc.find((s) => s.key === dc)?.shift;
  const others = d.dcs.filter((x) => x !== dc);
  return {
    class: 'datacenter-problem',
    title: `${dc} is degraded (${what}), the other datacenters are not`,
    confidence: 0.8,
    where: { dc },
    affected: d.byInstance.map((s) => s.key),
    evidence: [
      ...(shift ? [shiftText(d.role, dc, shift)] : []),
      ...d.byInstance.map((s) => shiftText(d.role, s.key, s.shift)),
    ],
    ruledOut: [
      `${others.join(', ')} are normal: not a release (it would be everywhere) and not load`,
      `more than one instance of ${dc}: not one bad instance`,
    ],
    remediations: [
      {
        id: 'drain-datacenter',
        title: `Drain ${dc}`,
        why: `its traffic moves to ${others.join(', ')} until ${dc} is healthy`,
      },
    ],
    ...(shift ? { onset: shift.onset } : {}),
  };
}

function regression(
  facts: Facts,
  d: Degradation,
  onset: number,
  trigger: { runId: string; pullNumber: number; summary: string; finishedAt?: number; startedAt: number },
  what: string,
  version?: string,
): Cause {
  const after = onset - (trigger.finishedAt ?? trigger.startedAt);
  return {
    class: 'release-regression',
    title: `Release regression in ${facts.signals.service}${version ? ` ${version}` : ''}: ${what} after ${trigger.summary}`,
    confidence: version ? 0.85 : 0.75,
    where: version ? { version } : {},
    evidence: [
      {
        text: `${trigger.summary} (run from #${trigger.pullNumber}) finished ${Math.max(0, Math.round(after))} s before the onset at ${clock(onset)}`,
      },
      ...(d.service ? [shiftText(d.role, 'the service', d.service)] : []),
      ...d.byVersion.map((s) => shiftText(d.role, s.key, s.shift)),
    ],
    ruledOut: [
      version
        ? `only instances of ${version} degrade, in whichever datacenter: not a datacenter, so failing over would not help`
        : `every datacenter (${d.dcs.join(', ')}): not one datacenter, so failing over would move the ${what}, not end them`,
      ...(facts.traffic ? [] : ['traffic is flat: not load']),
    ],
    remediations: [
      {
        id: 'rollback-change',
        title: `Roll back ${trigger.summary}`,
        why: 'undoes the change the degradation followed',
        runId: trigger.runId,
      },
    ],
    trigger: { runId: trigger.runId, pullNumber: trigger.pullNumber, summary: trigger.summary },
    onset,
  };
}

function unexplained(facts: Facts, d: Degradation, onset: number, what: string): Cause {
  return {
    class: 'unexplained',
    title: `${facts.signals.service}: ${what} rose everywhere, with no change by ZeroOps and no rise in traffic`,
    confidence: 0.3,
    where: {},
    evidence: d.service ? [shiftText(d.role, 'the service', d.service)] : [],
    ruledOut: ['traffic is flat: not load', `every datacenter (${d.dcs.join(', ')}): not one datacenter`],
    remediations: [],
    onset,
  };
}

/**
 * The one version whose instances degrade while instances of another version serve normally after
 * the onset. A version replaced before the onset proves nothing: its series simply ended.
 */
function lonelyVersion(facts: Facts, d: Degradation, onset: number): Scoped | undefined {
  const serving = new Set(
    ofRole(facts.signals, d.role).flatMap((s) =>
      s.where.version && s.points.some(([t]) => t > onset) ? [s.where.version] : [],
    ),
  );
  return d.byVersion.length === 1 && serving.size > 1 ? d.byVersion[0] : undefined;
}

function instanceDcs(facts: Facts): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of facts.signals.series) if (s.where.instance && s.where.dc) map.set(s.where.instance, s.where.dc);
  return map;
}

function shiftText(role: 'errors' | 'latency', where: string, shift: Shift) {
  const value = (v: number) => (role === 'errors' ? formatPercent(v) : `${Math.round(v * 1000)} ms`);
  return { text: `${where}: ${role} ${value(shift.before)} → ${value(shift.after)} from ${clock(shift.onset)}` };
}
