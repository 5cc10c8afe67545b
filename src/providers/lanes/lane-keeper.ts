/**
 * Keeps the lanes in HAProxy after a reload. A reload re-reads the route table from its file (ZeroOps
 * rewrites it on every change) but forgets the dynamic servers, and a lane without a usable server
 * serves its users the stable version. The keeper looks at every lane chain ZeroOps has written
 * (the `lanes` index) and registers the instances of each lane still deployed that HAProxy lacks.
 */
import type { Store } from '../../engine/store.js';
import { foldLanes, laneChain, type LaneEvent, type LiveLane } from '../../lanes/lane-state.js';
import { addServer, serversOf } from '../haproxy/dynamic-servers.js';
import { laneBackendName } from '../haproxy/lane-routing-config.js';

/** The index of lane chains: one `lane-chain` event per service, environment and HAProxy socket. */
const laneIndexChain = 'lanes';

interface IndexedChain {
  service: string;
  env: string;
  socket: string;
}

export async function indexLaneChain(store: Store, entry: IndexedChain, at: string): Promise<void> {
  if ((await indexedChains(store)).some((c) => same(c, entry))) return;
  await store.appendEvents(laneIndexChain, [{ type: 'lane-chain', actor: 'zeroops', data: { ...entry } }], at);
}

/** Registers what a reload dropped; returns the servers added again, as `backend/server`. */
export async function keepLanes(store: Store): Promise<string[]> {
  const added: string[] = [];
  for (const { service, env, socket } of await indexedChains(store)) {
    const events = (await store.events(laneChain(service, env))) as unknown as LaneEvent[];
    added.push(...(await registerMissing(socket, service, foldLanes(events))));
  }
  return added;
}

/** Every lane still deployed gets the instances HAProxy lacks in its backend; returns them, as `backend/server`. */
export async function registerMissing(socket: string, service: string, lanes: readonly LiveLane[]): Promise<string[]> {
  const added: string[] = [];
  for (const lane of lanes.filter((l) => l.status !== 'retired')) {
    const backend = laneBackendName(service, lane.slot);
    const registered = await serversOf(socket, backend);
    for (const instance of lane.instances.filter((i) => !registered.includes(i.name))) {
      await addServer(socket, backend, instance.name, instance.address);
      added.push(`${backend}/${instance.name}`);
    }
  }
  return added;
}

async function indexedChains(store: Store): Promise<IndexedChain[]> {
  const entries = (await store.events(laneIndexChain)).map((e) => e.data as unknown as IndexedChain);
  return entries.filter((entry, i) => entries.findIndex((other) => same(other, entry)) === i);
}

const same = (a: IndexedChain, b: IndexedChain) => a.service === b.service && a.env === b.env && a.socket === b.socket;
