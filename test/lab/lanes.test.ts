/**
 * Canary lanes on the lab, end to end below the engine: lane instances registered in HAProxy as
 * dynamic servers, the route table installed atomically, and the load generator's users served the
 * version and features their lane says — as they actually received them.
 */
import { jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleService, startInstances, type ServiceInstance } from '../../lab/components/sample-service.js';
import { population } from '../../lab/components/load-generator.js';
import { startLab, type Lab } from '../../lab/lab.js';
import { ProcessGroup } from '../../lab/processes.js';
import { saltOf } from '../../src/lanes/buckets.js';
import { laneForUser, type RoutedLane } from '../../src/lanes/membership.js';
import { routeTable } from '../../src/lanes/route-table.js';
import { storyLanes } from '../support/story-lanes.js';
import { addServer, removeServer, serversOf } from '../../src/providers/haproxy/dynamic-servers.js';
import { laneBackendName } from '../../src/providers/haproxy/lane-routing-config.js';
import { replaceMap } from '../../src/providers/haproxy/route-table-writer.js';

jest.setTimeout(120_000);

let lab: Lab;
const group = new ProcessGroup(mkdtempSync(join(tmpdir(), 'zeroops-lanes-')));
const users = population(1000, 42);
const salt = saltOf('checkout');
const versions: Record<string, { version: string; features: string[] }> = {
  'v1-1': { version: 'v1.1.0', features: ['A', 'B'] },
  'v1-2': { version: 'v1.2.0', features: ['C'] },
};
const lanesAt = storyLanes;
const backendOf = (lane: RoutedLane) => laneBackendName('checkout', lane.lane === 'v1-1' ? 1 : 2);
const install = (lanes: RoutedLane[]) =>
  replaceMap(lab.haproxy!.socketPath, lab.haproxy!.routeTablePath, routeTable(lanes, backendOf));

/** What each user received over two rounds of the population, after the table changed. */
async function served() {
  lab.load!.clearReceipts();
  await lab.load!.next(users.length * 2);
  return lab.load!.receipts();
}

const expectedVersion = (lanes: RoutedLane[], id: string) => {
  const lane = laneForUser(
    users.find((u) => u.id === id)!,
    lanes,
    salt,
  );
  return lane ? versions[lane.lane]! : { version: 'v1.0.0', features: [] };
};

let laneInstances: ServiceInstance[];
beforeAll(async () => {
  lab = await startLab({ components: ['load'], loadRate: 400 });
  const { binary } = await buildSampleService();
  laneInstances = await startInstances(group, binary, [
    { name: 'checkout-v1-1-a1', dc: 'dc-a', version: 'v1.1.0', pool: 'lane', features: ['A', 'B'] },
    { name: 'checkout-v1-2-a1', dc: 'dc-a', version: 'v1.2.0', pool: 'lane', features: ['C'] },
  ]);
  for (const [slot, instance] of laneInstances.entries())
    await addServer(
      lab.haproxy!.socketPath,
      laneBackendName('checkout', slot + 1),
      instance.name,
      `127.0.0.1:${instance.port}`,
    );
});
afterAll(async () => {
  await lab?.stop();
  await group.stopAll();
});

describe('canary lanes on the lab', () => {
  it('serves every user the version and features of their lane, and the rest the stable version', async () => {
    const lanes = lanesAt(20, 50);
    await install(lanes);
    const receipts = await served();
    expect(receipts.size).toBe(users.length);
    const wrong = users.filter((u) => {
      const got = receipts.get(u.id)!;
      const want = expectedVersion(lanes, u.id);
      return (
        got.versions.size !== 1 ||
        !got.versions.has(want.version) ||
        [...got.features].sort().join() !== want.features.join()
      );
    });
    expect(wrong.map((u) => [u.id, [...receipts.get(u.id)!.versions]])).toEqual([]);
    const inLane = (version: string) => [...receipts.values()].filter((r) => r.versions.has(version)).length;
    expect(inLane('v1.1.0')).toBeGreaterThan(5);
    expect(inLane('v1.2.0')).toBeGreaterThan(5);
    // Nobody who has A or B is served v1.2, which lacks them.
    expect(
      [...receipts.values()].filter((r) => r.features.has('C') && (r.features.has('A') || r.features.has('B'))),
    ).toEqual([]);
  });

  it('moves nobody between lanes while v1.1 grows, and only adds users to it', async () => {
    await install(lanesAt(20, 50));
    const before = await served();
    await install(lanesAt(60, 50));
    const after = await served();
    const laneOf = (r: { versions: Set<string> }) => [...r.versions].join();
    const moved = users.filter(
      (u) => laneOf(before.get(u.id)!) !== 'v1.0.0' && laneOf(before.get(u.id)!) !== laneOf(after.get(u.id)!),
    );
    expect(moved.map((u) => u.id)).toEqual([]);
    expect(
      users.filter((u) => laneOf(before.get(u.id)!) === 'v1.0.0' && laneOf(after.get(u.id)!) === 'v1.1.0').length,
    ).toBeGreaterThan(10);
  });

  it('retires a lane: its users go back to the stable version, its instance leaves the backend', async () => {
    await install(lanesAt(20));
    await removeServer(lab.haproxy!.socketPath, laneBackendName('checkout', 2), 'checkout-v1-2-a1');
    expect(await serversOf(lab.haproxy!.socketPath, laneBackendName('checkout', 2))).toEqual([]);
    const receipts = await served();
    expect([...receipts.values()].filter((r) => r.versions.has('v1.2.0'))).toEqual([]);
    expect(lab.load!.totals().failed).toBe(0);
  });
});
