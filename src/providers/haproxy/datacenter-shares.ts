/**
 * A datacenter's share of traffic set at HAProxy: one weight per datacenter server in the service's
 * pool. A datacenter taken to 0 is also put in `drain` (connections it holds finish; health checks
 * go on, so it is still probed), never `maint`; one given traffic again is made `ready` first.
 */
import { weightsFor } from '../../failover/capacity.js';
import type { WeightChange } from '../../failover/signals.js';
import type { HAProxyTraffic } from './traffic.js';

export async function applyShares(
  traffic: HAProxyTraffic,
  pool: string,
  normalWeights: Record<string, number>,
  keep: Record<string, number>,
  owner: string,
): Promise<WeightChange[]> {
  const weights = weightsFor(normalWeights, keep);
  const changes: WeightChange[] = [];
  // The datacenters gaining weight first, so the pool never has less room than it needs.
  const current = Object.fromEntries(
    await Promise.all(Object.keys(weights).map(async (dc) => [dc, await traffic.weight(pool, dc)] as const)),
  );
  const order = Object.entries(weights).sort(([a, wa], [b, wb]) => wb - current[b]! - (wa - current[a]!));
  for (const [dc, weight] of order) {
    if (weight > 0 && (await traffic.ensureServerState(pool, dc, 'ready', owner)))
      changes.push({ dc, weight, command: `set server ${pool}/${dc} state ready` });
    if (await traffic.ensureWeight(pool, dc, weight, owner))
      changes.push({ dc, weight, command: `set weight ${pool}/${dc} ${weight}` });
    if (weight === 0 && (await traffic.ensureServerState(pool, dc, 'drain', owner)))
      changes.push({ dc, weight, command: `set server ${pool}/${dc} state drain` });
  }
  return changes;
}
