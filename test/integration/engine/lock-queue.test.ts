/** A run that finds its lock taken waits in the queue and says which run holds it (runner on the embedded storeOf()). */
import { advanceRun, type RunnerDeps } from '../../../src/engine/runner.js';
import type { Run } from '../../../src/engine/run.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { aPlan, aRun } from '../../support/builders.js';

const storeOf = embeddedStorePerTest('lock-queue-');

function runner(later: string[], reported: Run[]): RunnerDeps {
  const unused = () => Promise.reject(new Error('no effects or gates before the lock is held'));
  return {
    store: storeOf(),
    clock: () => new Date('2026-11-25T10:00:00Z'),
    gateCheckSeconds: 1,
    lockPollSeconds: 2,
    scheduler: {
      later: async (runId) => {
        later.push(runId);
      },
    },
    effects: { apply: unused },
    gates: { check: unused },
    reporter: {
      changed: async (run) => {
        reported.push(run);
      },
    },
    log: quietLog,
  };
}

describe('lock queue', () => {
  it('queues the second run behind the first and names the holder by task and pull request', async () => {
    const { run: holder } = await storeOf().createRun(
      aRun({ plan: aPlan(undefined, { task: { ...aPlan().task, name: 'drain-dc-a' } }), pullNumber: 12 }),
    );
    const { run: waiting } = await storeOf().createRun(aRun());
    const lock = waiting.plan.locks[0]!.key;
    await storeOf().acquireLock(lock, holder.id);
    const later: string[] = [];
    const reported: Run[] = [];
    await advanceRun(runner(later, reported), waiting.id);
    const saved = (await storeOf().run(waiting.id))!;
    expect(saved.status).toBe('pending');
    expect(saved.locks).toEqual([{ key: lock, held: false, position: 1, heldBy: 'drain-dc-a from #12' }]);
    expect(saved.reason).toBe(`waiting for lock ${lock} (position 1 in its queue, held by drain-dc-a from #12)`);
    expect(later).toEqual([waiting.id]);
    expect(reported.at(-1)?.reason).toBe(saved.reason);
  });

  it('takes locks in one order, so two runs that need the same two locks never hold one each', async () => {
    const locks = (keys: string[]) => keys.map((key) => ({ key, reason: 'test' }));
    const { run: a } = await storeOf().createRun(
      aRun({ plan: aPlan([], { locks: locks(['db:shop', 'traffic:checkout']) }) }),
    );
    const { run: b } = await storeOf().createRun(
      aRun({ plan: aPlan([], { locks: locks(['traffic:checkout', 'db:shop']) }) }),
    );
    const deps = runner([], []);
    await Promise.all([advanceRun(deps, a.id), advanceRun(deps, b.id)]);
    const [savedA, savedB] = [(await storeOf().run(a.id))!, (await storeOf().run(b.id))!];
    const holders = [savedA, savedB].filter((r) => r.locks.every((l) => l.held));
    const waiter = [savedA, savedB].find((r) => !r.locks.every((l) => l.held))!;
    expect(holders).toHaveLength(1);
    expect(waiter.locks).toEqual([
      { key: 'db:shop', held: false, position: 1, heldBy: expect.any(String) },
      { key: 'traffic:checkout', held: false, position: -1 },
    ]);
    expect(waiter.reason).toMatch(/^waiting for lock db:shop \(position 1 in its queue, held by /);
  });
});
