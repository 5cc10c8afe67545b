/**
 * The datacenter watch's decisions, one scrape at a time, for each datacenter:
 *
 *   serving ──degraded for enterAfter──► drained (auto) or awaiting confirmation (confirm)
 *   drained ──healthy for the recovery dwell (doubled per relapse)──► warming 5 → 25 → 50 → 100 %
 *   warming ──each step held healthy──► next step … ► serving (resolved)
 *   warming ──unhealthy──► drained again (a relapse)
 *
 * Entering takes seconds, leaving takes a minute or more and gets longer with every relapse, so
 * a datacenter that flaps is drained once and stays drained until it holds. Pure.
 */
import { baselineOf, peersNow, rememberCalm, type BaselineHistory } from './baseline.js';
import { planDrain, type CapacityFacts, type DrainPlan } from './capacity.js';
import { judge, recovered, type Evidence, type Judgement } from './health.js';
import type { Autonomy } from '../policy/autonomy.js';
import type { Baseline, DatacenterSample, Thresholds, Tick } from './signals.js';

export interface Timing {
  /** Degraded this long before anything moves. */
  enterAfterMs: number;
  /** Healthy this long while drained before the warm-up starts; doubled per relapse, up to max. */
  recoveryDwellMs: number;
  maxRecoveryDwellMs: number;
  /** Drained at least this long, however fast it looks healthy again. */
  minDrainedMs: number;
  /** Each warm-up step held healthy this long before the next. */
  warmStepHoldMs: number;
  /** Shares of its original traffic, in order; the last is 1. */
  warmSteps: number[];
  /** An override expires this long after it was set: decided again then, renewed only while still unhealthy. */
  overrideTtlMs: number;
}

export const defaultTiming: Timing = {
  enterAfterMs: 10_000,
  recoveryDwellMs: 60_000,
  maxRecoveryDwellMs: 15 * 60_000,
  minDrainedMs: 30_000,
  warmStepHoldMs: 30_000,
  warmSteps: [0.05, 0.25, 0.5, 1],
  overrideTtlMs: 60 * 60_000,
};

export type Phase =
  | { phase: 'serving'; degradedSince?: number; blocked?: boolean }
  | { phase: 'awaiting-confirmation'; degradedSince: number; healthySince?: number }
  | { phase: 'drained'; since: number; keep: number; relapses: number; expiresAt: number; healthySince?: number }
  | { phase: 'warming'; step: number; keep: number; since: number; relapses: number; expiresAt: number };

export interface WatchState {
  phases: Record<string, Phase>;
  history: BaselineHistory;
  /** Instances ejected, as dc/name (at most one per datacenter; a person readmits it). */
  ejected: string[];
  /** Instances seen as the odd one out, as dc/name, since when (ejected once it lasts enterAfter). */
  suspects?: Record<string, number>;
  /** Since when all datacenters have been degraded together (one incident per spell). */
  everywhereSince?: number;
}

export const initialWatchState = (): WatchState => ({ phases: {}, history: {}, ejected: [] });

export type Decision =
  | {
      kind: 'drain';
      dc: string;
      keep: number;
      plan: DrainPlan;
      expiresAt: number;
      evidence: Evidence[];
      /** What the datacenter is normally like (its recovery is judged against it). */
      baseline?: Baseline;
    }
  /** Degraded, and the policy leaves the drain to a person (confirm) or to nobody (observe, suggest). */
  | { kind: 'ask'; dc: string; evidence: Evidence[]; autonomy: Autonomy }
  /** Degraded, but the other datacenters have no room for any of its traffic: nothing moved. */
  | { kind: 'cannot-drain'; dc: string; plan: DrainPlan; evidence: Evidence[] }
  | { kind: 'warm'; dc: string; keep: number; step: number; healthyForMs: number }
  | { kind: 'relapse'; dc: string; keep: number; relapses: number; nextDwellMs: number; sample: DatacenterSample }
  | { kind: 'restored'; dc: string }
  /** A drained datacenter's override reached its expiry while it is still not healthy: kept, until the next. */
  | { kind: 'renew'; dc: string; keep: number; expiresAt: number; sample: DatacenterSample }
  | { kind: 'recovered-unattended'; dc: string }
  /** applied: false when the policy leaves it to a person. */
  | { kind: 'eject'; dc: string; instance: string; evidence: Evidence[]; applied: boolean }
  | { kind: 'everywhere'; evidence: Evidence[] };

export interface WatchInput {
  tick: Tick;
  autonomy: Autonomy;
  /** Datacenters a person confirmed the failover of (`/zeroops failover dc-a`). */
  confirmed: readonly string[];
  capacity: CapacityFacts;
  thresholds: Thresholds;
  timing: Timing;
}

export interface WatchStep {
  state: WatchState;
  decisions: Decision[];
  judgement: Judgement;
  /** The share of its original traffic each datacenter should get now. */
  keep: Record<string, number>;
}

export function watchStep(state: WatchState, input: WatchInput): WatchStep {
  const { tick, timing } = input;
  const away = (dc: string) => ['drained', 'warming'].includes(state.phases[dc]?.phase ?? 'serving') && dc;
  const alreadyAway = tick.samples.map((s) => away(s.dc)).filter((dc): dc is string => Boolean(dc));
  // The datacenters already out are judged by their recovery, not against the others (nor they against them).
  const judgement = judge(
    tick.samples.filter((s) => !alreadyAway.includes(s.dc)),
    state.history,
    input.thresholds,
  );
  const decisions: Decision[] = [];
  const phases: Record<string, Phase> = {};
  const mayDrain = input.autonomy === 'auto';
  const mayConfirm = input.autonomy === 'auto' || input.autonomy === 'confirm';

  for (const sample of tick.samples) {
    const now = tick.at;
    const phase: Phase = state.phases[sample.dc] ?? { phase: 'serving' };
    const degraded = judgement.datacenters.includes(sample.dc);
    const evidence = judgement.evidence.filter((e) => e.dc === sample.dc && !e.instance);
    const baseline = baselineOf(state.history, sample.dc);
    // Recovered against its own normal; a datacenter that has none yet (slow since the watch began)
    // against the datacenters serving now, never "healthy" merely because it is no longer judged.
    const serving = tick.samples.filter((s) => s.dc === sample.dc || !alreadyAway.includes(s.dc));
    const normal = baseline ?? peersNow(serving, sample.dc);
    const healthy = normal ? recovered(sample, normal, input.thresholds) : !degraded;
    /** How much it keeps when drained as far as the others can carry it (never more than `atMost`). */
    const planKeep = (atMost = 1) => {
      const plan = planDrain(sample.dc, tick.samples, input.capacity, alreadyAway);
      return { plan, keep: Math.min(plan.keep, atMost) };
    };
    const drained = (keep: number, relapses: number): Phase => {
      alreadyAway.push(sample.dc);
      return { phase: 'drained', since: now, keep, relapses, expiresAt: now + timing.overrideTtlMs };
    };
    /** The drained phase, or none when the others have no room for any of its traffic. */
    const drain = (relapses: number): Phase | undefined => {
      const { plan, keep } = planKeep();
      if (keep >= 1) {
        decisions.push({ kind: 'cannot-drain', dc: sample.dc, plan, evidence });
        return undefined;
      }
      const phase = drained(keep, relapses);
      decisions.push({
        kind: 'drain',
        dc: sample.dc,
        keep,
        plan,
        expiresAt: now + timing.overrideTtlMs,
        evidence,
        ...(baseline ? { baseline } : {}),
      });
      return phase;
    };
    /** Degraded and not drained: said once per spell. */
    const blocked = (since: number): Phase => ({ phase: 'serving', degradedSince: since, blocked: true });

    switch (phase.phase) {
      case 'serving': {
        const since = degraded ? (phase.degradedSince ?? now) : undefined;
        if (since === undefined || now - since < timing.enterAfterMs) {
          phases[sample.dc] = { phase: 'serving', ...(since !== undefined ? { degradedSince: since } : {}) };
        } else if (phase.blocked) {
          phases[sample.dc] = phase;
        } else if (mayDrain) {
          phases[sample.dc] = drain(0) ?? blocked(since);
        } else {
          decisions.push({ kind: 'ask', dc: sample.dc, evidence, autonomy: input.autonomy });
          phases[sample.dc] = { phase: 'awaiting-confirmation', degradedSince: since };
        }
        break;
      }
      case 'awaiting-confirmation': {
        const healthySince = healthy && !degraded ? (phase.healthySince ?? now) : undefined;
        // A confirmation drains only what is still degraded, and only where the policy lets a person decide.
        const confirmed = mayConfirm && input.confirmed.includes(sample.dc);
        if (degraded && (confirmed || mayDrain)) phases[sample.dc] = drain(0) ?? blocked(phase.degradedSince);
        else if (healthySince !== undefined && now - healthySince >= timing.recoveryDwellMs) {
          decisions.push({ kind: 'recovered-unattended', dc: sample.dc });
          phases[sample.dc] = { phase: 'serving' };
        } else phases[sample.dc] = healthyFrom({ ...phase }, healthySince);
        break;
      }
      case 'drained': {
        const healthySince = healthy ? (phase.healthySince ?? now) : undefined;
        const dwell = recoveryDwell(timing, phase.relapses);
        const ready =
          healthySince !== undefined && now - healthySince >= dwell && now - phase.since >= timing.minDrainedMs;
        const steps = timing.warmSteps.filter((share) => share > phase.keep);
        if (ready && steps.length) {
          decisions.push({ kind: 'warm', dc: sample.dc, keep: steps[0]!, step: 0, healthyForMs: now - healthySince });
          phases[sample.dc] = {
            phase: 'warming',
            step: 0,
            keep: steps[0]!,
            since: now,
            relapses: phase.relapses,
            expiresAt: now + timing.overrideTtlMs,
          };
        } else if (now >= phase.expiresAt) {
          // The override is decided again, with the evidence of now, rather than kept out of habit.
          const expiresAt = now + timing.overrideTtlMs;
          decisions.push({ kind: 'renew', dc: sample.dc, keep: phase.keep, expiresAt, sample });
          phases[sample.dc] = healthyFrom({ ...phase, expiresAt }, healthySince);
        } else phases[sample.dc] = healthyFrom({ ...phase }, healthySince);
        break;
      }
      case 'warming': {
        const steps = timing.warmSteps.filter((share) => share >= phase.keep);
        if (!healthy) {
          // Back out, never to more than it had during the warm-up.
          const relapses = phase.relapses + 1;
          const { keep } = planKeep(phase.keep);
          decisions.push({
            kind: 'relapse',
            dc: sample.dc,
            keep,
            relapses,
            nextDwellMs: recoveryDwell(timing, relapses),
            sample,
          });
          phases[sample.dc] = keep < 1 ? drained(keep, relapses) : { phase: 'serving' };
        } else if (now - phase.since < timing.warmStepHoldMs) phases[sample.dc] = phase;
        else if (steps.length <= 1 || phase.keep >= 1) {
          decisions.push({ kind: 'restored', dc: sample.dc });
          phases[sample.dc] = { phase: 'serving' };
        } else {
          const keep = steps[1]!;
          decisions.push({ kind: 'warm', dc: sample.dc, keep, step: phase.step + 1, healthyForMs: now - phase.since });
          phases[sample.dc] = {
            ...phase,
            step: phase.step + 1,
            keep,
            since: now,
            expiresAt: now + timing.overrideTtlMs,
          };
        }
        break;
      }
    }
  }

  const next: WatchState = { ...state, phases, history: learn(state.history, tick, phases, judgement) };
  noteEverywhere(next, judgement, tick.at, decisions);
  noteEjections(next, judgement, decisions, tick.at, timing, mayDrain);
  return { state: next, decisions, judgement, keep: keepOf(phases) };
}

/** Only calm samples of datacenters serving normally teach the baseline. */
function learn(history: BaselineHistory, tick: Tick, phases: Record<string, Phase>, j: Judgement) {
  if (j.everywhere) return history;
  return tick.samples
    .filter((s) => phases[s.dc]?.phase === 'serving' && !j.evidence.some((e) => e.dc === s.dc))
    .filter((s) => Number.isFinite(s.p99Ms))
    .reduce(rememberCalm, history);
}

function noteEverywhere(state: WatchState, j: Judgement, at: number, decisions: Decision[]): void {
  if (!j.everywhere) {
    delete state.everywhereSince;
    return;
  }
  if (state.everywhereSince === undefined) decisions.push({ kind: 'everywhere', evidence: j.evidence });
  state.everywhereSince ??= at;
}

/** An instance odd one out for enterAfter is ejected; one scrape of it is not enough (a datacenter
 * slowing down does not slow its instances in the same second). */
function noteEjections(
  state: WatchState,
  j: Judgement,
  decisions: Decision[],
  at: number,
  timing: Timing,
  applied: boolean,
): void {
  const before = state.suspects ?? {};
  state.suspects = Object.fromEntries(
    j.instances.map(({ dc, name }) => [`${dc}/${name}`, before[`${dc}/${name}`] ?? at]),
  );
  for (const { dc, name } of j.instances) {
    const key = `${dc}/${name}`;
    if (state.ejected.includes(key) || at - state.suspects[key]! < timing.enterAfterMs) continue;
    // One instance out per datacenter at a time: a second odd one is a datacenter problem to look at.
    if (applied && state.ejected.some((e) => e.startsWith(`${dc}/`))) continue;
    state.ejected = [...state.ejected, key];
    decisions.push({
      kind: 'eject',
      dc,
      instance: name,
      evidence: j.evidence.filter((e) => e.instance === name),
      applied,
    });
  }
}

/** The phase with `healthySince` set, or without it when the datacenter is not healthy now. */
function healthyFrom<P extends { healthySince?: number }>(phase: P, since: number | undefined): P {
  if (since === undefined) delete phase.healthySince;
  else phase.healthySince = since;
  return phase;
}

const recoveryDwell = (t: Timing, relapses: number) =>
  Math.min(t.maxRecoveryDwellMs, t.recoveryDwellMs * 2 ** relapses);

function keepOf(phases: Record<string, Phase>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(phases).map(([dc, p]) => [dc, p.phase === 'drained' || p.phase === 'warming' ? p.keep : 1]),
  );
}
