/**
 * The lanes provider on the lab: lanes deployed through the lab's fleet, registered in HAProxy,
 * routed by the route table it writes from the store's lane chain — and what the load generator's
 * users actually received at each turn of the three-version story.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { population } from '../../lab/components/load-generator.js';
import { startLab, type Lab } from '../../lab/lab.js';
import type { Store } from '../../src/engine/store.js';
import { exposedTo, exposureLedger, foldLanes, laneChain, type LaneEvent } from '../../src/lanes/lane-state.js';
import type { Action } from '../../src/plan/types.js';
import { ProviderEffects } from '../../src/providers/effects.js';
import { removeServer, serversOf } from '../../src/providers/haproxy/dynamic-servers.js';
import { laneBackendName } from '../../src/providers/haproxy/lane-routing-config.js';
import { openStore } from '../../src/store/open-store.js';
import { aRun } from '../support/builders.js';

jest.setTimeout(120_000);

let lab: Lab;
let store: Store;
let effects: ProviderEffects;
const storeDir = mkdtempSync(join(tmpdir(), 'zeroops-lane-effects-'));
const users = population(1000, 7);
const run = aRun();
const target = { service: 'checkout', env: 'production' };

beforeAll(async () => {
  lab = await startLab({ components: ['load'], loadRate: 400, stableVersion: 'v0.9.0' });
  store = await openStore({ dataDir: storeDir });
  effects = new ProviderEffects({ store });
  run.providers = {
    fleet: { url: lab.fleet!.url },
    haproxy: { socket: lab.haproxy!.socketPath, lanes: { routeTable: lab.haproxy!.routeTablePath, slots: 4 } },
  };
});
afterAll(async () => {
  await lab?.stop();
  await store?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

const lanes = (operation: string, params: Record<string, unknown>) =>
  effects.apply({ provider: 'lanes', operation, params: { ...target, ...params } } as Action, {
    run,
    step: operation,
    attempt: 1,
    checkpointKey: `${run.id}/${operation}/${String(params.lane)}`,
  });

/** Who was served what over a round of the population (every user once, in order): version by user. */
async function served(): Promise<Map<string, string>> {
  lab.load!.clearReceipts();
  await lab.load!.next(users.length);
  return new Map([...lab.load!.receipts()].map(([id, r]) => [id, [...r.versions].sort().join('+')]));
}
const usersOf = (receipts: Map<string, string>, version: string) =>
  [...receipts].filter(([, v]) => v === version).map(([id]) => id);

describe('lanes through the fleet and HAProxy', () => {
  let onV10: string[];
  let onV11: string[];

  it('deploys a lane that serves no one, then the share of users its step says', async () => {
    await lanes('deploy', { lane: 'v1-0', spec: { version: 'v1.0.0', features: ['A'], steps: [5] } });
    expect(await serversOf(lab.haproxy!.socketPath, laneBackendName('checkout', 1))).toEqual(['checkout-v1-0-1']);
    expect(usersOf(await served(), 'v1.0.0')).toEqual([]);

    await lanes('route', { lane: 'v1-0', percent: 5 });
    const receipts = await served();
    onV10 = usersOf(receipts, 'v1.0.0');
    expect(onV10.length).toBeGreaterThan(20);
    expect(onV10.length).toBeLessThan(90);
    expect(usersOf(receipts, 'v0.9.0').length).toBe(users.length - onV10.length);
  });

  it('a replacement takes over exactly the users of the lane it replaces, and none more', async () => {
    await lanes('deploy', {
      lane: 'v1-1',
      spec: { version: 'v1.1.0', features: ['A', 'B'], replaces: 'v1-0', steps: [5] },
    });
    await lanes('take-over', { lane: 'v1-1', from: 'v1-0' });
    const receipts = await served();
    onV11 = usersOf(receipts, 'v1.1.0');
    expect(onV11.sort()).toEqual([...onV10].sort());
    expect(usersOf(receipts, 'v1.0.0')).toEqual([]);
  });

  it('runs a lane without A or B beside it, on users who have never been served A or B', async () => {
    await lanes('deploy', {
      lane: 'v1-2',
      spec: { version: 'v1.2.0', features: ['C'], steps: [10], audience: { exclude: { features: ['A', 'B'] } } },
    });
    // Its 10% are buckets 0–999: those of v1.1's users (0–499) are kept out, the rest are its own.
    await lanes('route', { lane: 'v1-2', percent: 10 });
    const receipts = await served();
    const onV12 = usersOf(receipts, 'v1.2.0');
    expect(onV12.length).toBeGreaterThan(20);
    expect(onV12.filter((id) => onV10.includes(id))).toEqual([]);
    expect(usersOf(receipts, 'v1.1.0').sort()).toEqual([...onV11].sort());
    expect([...receipts.values()].filter((v) => v.includes('+'))).toEqual([]);
  });

  it('keeps an exposure ledger that names the users who have seen A or B', async () => {
    const events = (await store.events(laneChain('checkout', 'production'))) as unknown as LaneEvent[];
    const seenAorB = exposedTo(exposureLedger(events), ['A', 'B']);
    expect(seenAorB.map((e) => [e.lane, e.version, e.until === undefined])).toEqual([
      ['v1-0', 'v1.0.0', false],
      ['v1-1', 'v1.1.0', true],
    ]);
    expect(seenAorB[0]!.buckets).toEqual(seenAorB[1]!.buckets);
  });

  it('hands the users back to the replaced lane when the replacement is rolled back, and retires it', async () => {
    await lanes('hand-back', { lane: 'v1-1', to: 'v1-0' });
    await lanes('retire', { lane: 'v1-1', reason: 'rolled back' });
    const receipts = await served();
    expect(usersOf(receipts, 'v1.0.0').sort()).toEqual([...onV10].sort());
    expect(usersOf(receipts, 'v1.1.0')).toEqual([]);
    expect(lab.fleet!.instances().map((i) => i.name)).not.toContain('checkout-v1-1-1');
    expect(await serversOf(lab.haproxy!.socketPath, laneBackendName('checkout', 2))).toEqual([]);
    const state = foldLanes((await store.events(laneChain('checkout', 'production'))) as unknown as LaneEvent[]).map(
      (l) => [l.lane, l.status, l.percent],
    );
    expect(state).toEqual([
      ['v1-0', 'live', 5],
      ['v1-1', 'retired', 0],
      ['v1-2', 'live', 10],
    ]);
  });

  it('survives a reload that drops its servers: stable meanwhile, then the lane again', async () => {
    const backend = laneBackendName('checkout', 1);
    await removeServer(lab.haproxy!.socketPath, backend, 'checkout-v1-0-1'); // what a reload does
    const failedBefore = lab.load!.totals().failed;
    const meanwhile = await served();
    expect(onV10.map((id) => meanwhile.get(id))).toEqual(onV10.map(() => 'v0.9.0'));
    expect(lab.load!.totals().failed).toBe(failedBefore);
    await lanes('route', { lane: 'v1-0', percent: 5 });
    expect(await serversOf(lab.haproxy!.socketPath, backend)).toEqual(['checkout-v1-0-1']);
    expect(usersOf(await served(), 'v1.0.0').sort()).toEqual([...onV10].sort());
  });

  it("never retires, on another run's rollback, a lane of the same name that run did not deploy", async () => {
    const other = aRun({ providers: run.providers });
    await expect(
      effects.apply(
        {
          provider: 'lanes',
          operation: 'deploy',
          params: { ...target, lane: 'v1-0', spec: { version: 'v9.0.0', steps: [5] } },
        },
        { run: other, step: 'deploy-lane', attempt: 1, checkpointKey: `${other.id}/deploy` },
      ),
    ).rejects.toThrow(`lane v1-0 is already live, deployed by run ${run.id}`);
    await effects.apply(
      {
        provider: 'lanes',
        operation: 'retire',
        params: { ...target, lane: 'v1-0', reason: 'rolled back', ownOnly: true },
      },
      { run: other, step: 'undo-1', attempt: 1, checkpointKey: `${other.id}/undo-1` },
    );
    expect(await serversOf(lab.haproxy!.socketPath, laneBackendName('checkout', 1))).toEqual(['checkout-v1-0-1']);
  });

  it('is idempotent: a retried deploy or route changes nothing', async () => {
    await lanes('deploy', { lane: 'v1-0', spec: { version: 'v1.0.0', features: ['A'], steps: [5] } });
    await lanes('route', { lane: 'v1-0', percent: 5 });
    expect(await serversOf(lab.haproxy!.socketPath, laneBackendName('checkout', 1))).toEqual(['checkout-v1-0-1']);
    expect(lab.load!.totals().failed).toBe(0);
  });

  it('sends the users to stable, and retires the replaced lane too, when that lane is no longer healthy', async () => {
    await lanes('deploy', {
      lane: 'v1-1',
      spec: { version: 'v1.1.0', features: ['A', 'B'], replaces: 'v1-0', steps: [5] },
    });
    await lanes('take-over', { lane: 'v1-1', from: 'v1-0' });
    await fetch(`${lab.fleet!.url}/v1/instances/checkout-v1-0-1`, { method: 'DELETE' }); // v1.0's instance dies
    const handedBack = await lanes('hand-back', { lane: 'v1-1', to: 'v1-0' });
    expect(handedBack.output).toMatchObject({ backTo: 'stable' });
    await lanes('retire', { lane: 'v1-1', reason: 'rolled back' });
    const receipts = await served();
    expect(onV10.map((id) => receipts.get(id))).toEqual(onV10.map(() => 'v0.9.0'));
    expect(lab.load!.totals().failed).toBe(0);
    const lanesNow = foldLanes((await store.events(laneChain('checkout', 'production'))) as unknown as LaneEvent[]);
    expect(lanesNow.filter((l) => l.lane !== 'v1-2').map((l) => [l.lane, l.status])).toEqual([
      ['v1-0', 'retired'],
      ['v1-1', 'retired'],
    ]);
  });

  it('takes a dead instance out by its health check: its lane serves stable, without errors', async () => {
    await lanes('deploy', { lane: 'v5', spec: { version: 'v5.0.0', audience: { buckets: '5000-9999' }, steps: [10] } });
    await lanes('route', { lane: 'v5', percent: 10 });
    const onV5 = usersOf(await served(), 'v5.0.0');
    expect(onV5.length).toBeGreaterThan(20);
    await fetch(`${lab.fleet!.url}/v1/instances/checkout-v5-1`, { method: 'DELETE' }); // it dies
    await new Promise((resolve) => setTimeout(resolve, 3000)); // two failed checks, a second apart
    const failedBefore = lab.load!.totals().failed;
    const receipts = await served();
    expect(onV5.map((id) => receipts.get(id))).toEqual(onV5.map(() => 'v0.9.0'));
    expect(lab.load!.totals().failed).toBe(failedBefore);
  });
});
