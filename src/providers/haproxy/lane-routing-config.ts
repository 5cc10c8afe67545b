/**
 * The HAProxy configuration that routes a service's canary lanes: the Lua router to load, the
 * frontend rules (the user's sticky bucket, the route table's entries read into variables, the
 * router, the backend it chose) and one backend per lane slot, whose servers ZeroOps adds at run
 * time. A team pastes these into its configuration; the lab generates its own from them.
 */
import { fileURLToPath } from 'node:url';

/** The router, shipped beside this file. */
export const laneRouterPath = fileURLToPath(new URL('./lanes-router.lua', import.meta.url));

export interface LaneRouting {
  /** The service's salt (saltOf(service)): HAProxy must hash as ZeroOps plans. */
  salt: number;
  /** The route table's map file. */
  routeTable: string;
  /** How many lanes at most are live at once. */
  slots: number;
}

export const laneBackendName = (service: string, slot: number) => `${service.replaceAll('-', '_')}_lane_${slot}`;

/**
 * The backend that serves a lane's baseline: the rest of its audience, on the stable version. Its
 * one server is the stable pool itself (through a local socket), so datacenter weights still apply.
 */
export const laneBaselineName = (service: string, slot: number) => `${service.replaceAll('-', '_')}_baseline_${slot}`;

/** `http-request` lines for the service's frontend, before its `default_backend`. */
/**
 * Route table entries the router reads: a lane per slot, and as many again for the users of retired
 * lanes that other lanes' exclusions still keep out (`routeEntries` in the route table).
 */
export const routeEntries = (slots: number) => 2 * slots;

export function laneFrontendRules({ salt, routeTable, slots }: LaneRouting): string[] {
  const entries = routeEntries(slots);
  return [
    `http-request set-var(txn.zeroops_bucket) req.hdr(x-user-id),xxh32(${salt}),mod(10000)`,
    ...Array.from(
      { length: entries },
      (_, i) => `http-request set-var(txn.zeroops_lane${i + 1}) str(lane${i + 1}),map(${routeTable})`,
    ),
    `http-request lua.zeroops_lane ${entries}`,
    'use_backend %[var(txn.zeroops_backend)] if { var(txn.zeroops_backend) -m found }',
  ];
}
