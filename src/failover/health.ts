/**
 * One scrape judged: which datacenters are degraded, or whether all are (a release or a shared
 * dependency: no failover, an incident), or whether only an instance is (eject it, not its
 * datacenter). A datacenter is degraded when it is worse than its own baseline *and* than its
 * peers now; "all" when most datacenters are worse than their own baselines at once. Pure.
 */
import { median } from '../diagnose/stats.js';
import { baselineOf, peersNow, type BaselineHistory } from './baseline.js';
import type { Baseline, DatacenterSample, InstanceSample, Thresholds } from './signals.js';

export interface Evidence {
  dc: string;
  instance?: string;
  metric: 'p99' | 'errors' | 'timeouts';
  value: number;
  /** What it was compared with, and the limit that made it count. */
  against: 'own baseline' | 'peers now' | 'rest of its datacenter';
  reference: number;
  limit: number;
}

export interface Judgement {
  /** Degraded datacenters (a minority of them), to drain. */
  datacenters: string[];
  /** Most datacenters worse than their own baselines at once: no failover, an incident. */
  everywhere: boolean;
  /** Instances that are the odd one out in a datacenter otherwise fine: eject those only. */
  instances: { dc: string; name: string }[];
  evidence: Evidence[];
}

export function judge(samples: readonly DatacenterSample[], history: BaselineHistory, t: Thresholds): Judgement {
  const evidence: Evidence[] = [];
  const worseThanOwn = samples.filter((s) => {
    const own = baselineOf(history, s.dc) ?? peersNow(samples, s.dc);
    const found = own ? breaches(s, own, 'own baseline', t) : [];
    evidence.push(...found);
    return found.length > 0;
  });
  const everywhere = samples.length >= 2 && worseThanOwn.length >= 2 && worseThanOwn.length > samples.length / 2;
  if (everywhere) return { datacenters: [], everywhere, instances: [], evidence };

  const datacenters: string[] = [];
  const instances: Judgement['instances'] = [];
  for (const s of worseThanOwn) {
    const peers = peersNow(samples, s.dc);
    const vsPeers = peers ? breaches(s, peers, 'peers now', t) : [];
    if (peers && vsPeers.length === 0) continue; // it moved, but so did the others: not this datacenter
    evidence.push(...vsPeers);
    const odd = oddInstances(s, baselineOf(history, s.dc) ?? peers, t);
    if (odd.length) {
      instances.push(...odd.map((o) => ({ dc: s.dc, name: o.instance! })));
      evidence.push(...odd);
    } else datacenters.push(s.dc);
  }
  return { datacenters, everywhere, instances, evidence };
}

/** Recovered: latency within recoveryLatencyFactor of its baseline and errors back at it. */
export function recovered(sample: DatacenterSample, baseline: Baseline, t: Thresholds): boolean {
  return (
    sample.p99Ms <= Math.max(baseline.p99Ms * t.recoveryLatencyFactor, baseline.p99Ms + 5) &&
    sample.errorRatio <= baseline.errorRatio + t.recoveryErrorSlack &&
    sample.timeoutRatio <= baseline.timeoutRatio + t.recoveryErrorSlack
  );
}

function breaches(s: DatacenterSample, ref: Baseline, against: Evidence['against'], t: Thresholds): Evidence[] {
  const found: Evidence[] = [];
  const latencyLimit = Math.max(ref.p99Ms * t.latencyFactor, ref.p99Ms + t.latencyFloorMs);
  if (s.p99Ms > latencyLimit)
    found.push({ dc: s.dc, metric: 'p99', value: s.p99Ms, against, reference: ref.p99Ms, limit: latencyLimit });
  if (s.errorRatio > ref.errorRatio + t.errorRise)
    found.push({
      dc: s.dc,
      metric: 'errors',
      value: s.errorRatio,
      against,
      reference: ref.errorRatio,
      limit: ref.errorRatio + t.errorRise,
    });
  if (s.timeoutRatio > ref.timeoutRatio + t.errorRise)
    found.push({
      dc: s.dc,
      metric: 'timeouts',
      value: s.timeoutRatio,
      against,
      reference: ref.timeoutRatio,
      limit: ref.timeoutRatio + t.errorRise,
    });
  return found;
}

/**
 * The instances far worse than the rest of their datacenter, when they are at most half of it and the rest
 * look like the datacenter's normal self; otherwise none (the datacenter as a whole is degraded).
 */
function oddInstances(s: DatacenterSample, normal: Baseline | undefined, t: Thresholds): Evidence[] {
  const all = s.instances.filter((i) => Number.isFinite(i.p99Ms));
  if (all.length < 2) return [];
  const odd: Evidence[] = [];
  for (const i of all) {
    const rest = all.filter((o) => o !== i);
    const restP99 = median(rest.map((o) => o.p99Ms));
    const restErrors = median(rest.map((o) => o.errorRatio));
    const latencyLimit = Math.max(restP99 * t.instanceFactor, restP99 + t.latencyFloorMs);
    if (i.p99Ms > latencyLimit) odd.push(instanceEvidence(s.dc, i, 'p99', restP99, latencyLimit));
    else if (i.errorRatio > restErrors + t.errorRise)
      odd.push(instanceEvidence(s.dc, i, 'errors', restErrors, restErrors + t.errorRise));
  }
  if (odd.length === 0 || odd.length > all.length / 2) return []; // at most half: one of two is odd too
  const fine = all.filter((i) => !odd.some((o) => o.instance === i.name));
  const restFine =
    !normal || median(fine.map((i) => i.p99Ms)) <= Math.max(normal.p99Ms * t.latencyFactor, normal.p99Ms + 5);
  return restFine ? odd : [];
}

function instanceEvidence(
  dc: string,
  i: InstanceSample,
  metric: 'p99' | 'errors',
  reference: number,
  limit: number,
): Evidence {
  const value = metric === 'p99' ? i.p99Ms : i.errorRatio;
  return { dc, instance: i.name, metric, value, against: 'rest of its datacenter', reference, limit };
}
