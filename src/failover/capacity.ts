/**
 * Can the other datacenters carry a degraded one's traffic? Each can take up to its capacity
 * (from the service's inventory, else its current load times 1 + headroom) at the target
 * utilisation; what they cannot carry stays where it is, and the drain is partial. And the HAProxy
 * weights that give each datacenter its share. Pure.
 */
import type { DatacenterSample } from './signals.js';

export interface CapacityFacts {
  /** Requests per second each datacenter can serve, where the inventory says. */
  capacityRps: Record<string, number>;
  /** Spare capacity assumed where it does not: 1 means a datacenter can take as much again. */
  headroom: number;
  /** Never plan to run a datacenter above this share of its capacity. */
  maxUtilisation: number;
}

export interface DrainPlan {
  dc: string;
  /** The share of its traffic it keeps: 0 is a full drain. */
  keep: number;
  /** Requests per second to move, and what the others can take. */
  moving: number;
  spare: number;
  /** Why each peer's capacity is what it is. */
  basis: string[];
}

export function planDrain(
  dc: string,
  samples: readonly DatacenterSample[],
  facts: CapacityFacts,
  alreadyAway: readonly string[] = [],
): DrainPlan {
  const load = samples.find((s) => s.dc === dc)?.rps ?? 0;
  const basis: string[] = [];
  let spare = 0;
  for (const peer of samples.filter((s) => s.dc !== dc && !alreadyAway.includes(s.dc))) {
    const known = facts.capacityRps[peer.dc];
    const capacity = known ?? peer.rps * (1 + facts.headroom);
    const free = Math.max(0, capacity * facts.maxUtilisation - peer.rps);
    spare += free;
    basis.push(
      `${peer.dc}: ${round(peer.rps)} req/s of ${round(capacity)} ` +
        `(${known === undefined ? `its load + ${Math.round(facts.headroom * 100)} % headroom` : 'inventory'}), ` +
        `room for ${round(free)} at ${Math.round(facts.maxUtilisation * 100)} %`,
    );
  }
  const keep = load <= 0 || spare >= load ? 0 : 1 - spare / load;
  return { dc, keep: Math.round(keep * 100) / 100, moving: load, spare, basis };
}

/**
 * Weights for the datacenter servers so each keeps `keep[dc]` of its original share; what they
 * give up goes to the others in proportion to their original weights. HAProxy takes 0–256; a
 * datacenter that keeps any share gets at least 1.
 */
export function weightsFor(original: Record<string, number>, keep: Record<string, number>): Record<string, number> {
  const total = Object.values(original).reduce((a, b) => a + b, 0);
  if (total <= 0) return { ...original };
  const share = (dc: string) => original[dc]! / total;
  const kept = (dc: string) => Math.min(1, Math.max(0, keep[dc] ?? 1));
  const reduced = Object.keys(original).filter((dc) => kept(dc) < 1);
  const freed = reduced.reduce((sum, dc) => sum + share(dc) * (1 - kept(dc)), 0);
  const others = Object.keys(original).filter((dc) => kept(dc) >= 1);
  const othersShare = others.reduce((sum, dc) => sum + share(dc), 0);
  const shares = Object.fromEntries(
    Object.keys(original).map((dc) => [
      dc,
      kept(dc) < 1 ? share(dc) * kept(dc) : othersShare > 0 ? share(dc) * (1 + freed / othersShare) : share(dc),
    ]),
  );
  const scale = Math.min(total, 256 / Math.max(...Object.values(shares)));
  return Object.fromEntries(
    Object.entries(shares).map(([dc, s]) => [dc, s === 0 ? 0 : Math.max(1, Math.round(s * scale))]),
  );
}

const round = (n: number) => Math.round(n).toLocaleString('en-US');
