/** The Store contract: every engine the adapter runs on must pass it. */
import { verifyChain } from '../../src/knowledge/event-chain.js';
import { ConflictError, type Store } from '../../src/engine/store.js';
import { aRun } from './builders.js';

export function storeContract(
  open: () => Promise<{
    store: Store;
    raw: (collection: string) => { updateOne(filter: object, update: object): Promise<unknown> };
  }>,
) {
  let store: Store;
  let raw: Awaited<ReturnType<typeof open>>['raw'];
  beforeEach(async () => ({ store, raw } = await open()));
  afterEach(() => store.close());

  it('finds the open incident of a fingerprint until its issue is closed', async () => {
    const incident = {
      id: 'acme/ops#7',
      fingerprint: 'f1',
      repo: 'acme/ops',
      issueNumber: 7,
      state: 'open' as const,
      runIds: ['r1'],
      createdAt: '2026-12-01T00:00:00Z',
    };
    await store.saveIncident(incident);
    expect((await store.openIncident('f1'))?.issueNumber).toBe(7);
    expect(await store.closeIncident('acme/ops#7')).toBe(true);
    expect(await store.closeIncident('acme/ops#8')).toBe(false);
    expect(await store.openIncident('f1')).toBeUndefined();
  });

  it('gives a lease to one holder until it expires, then to whoever asks', async () => {
    expect(await store.lease('advance/r1', 'a', '2026-12-01T00:00:30Z', '2026-12-01T00:00:00Z')).toBe(true);
    expect(await store.lease('advance/r1', 'b', '2026-12-01T00:00:40Z', '2026-12-01T00:00:10Z')).toBe(false);
    expect(await store.lease('advance/r1', 'a', '2026-12-01T00:01:00Z', '2026-12-01T00:00:20Z')).toBe(true);
    expect(await store.lease('advance/r1', 'b', '2026-12-01T00:02:00Z', '2026-12-01T00:01:01Z')).toBe(true);
    await store.releaseLease('advance/r1', 'b');
    expect(await store.lease('advance/r1', 'c', '2026-12-01T00:03:00Z', '2026-12-01T00:01:02Z')).toBe(true);
  });

  it('lists the runs that have not finished', async () => {
    const { run: active } = await store.createRun(aRun({ status: 'running' }));
    await store.createRun(aRun({ status: 'succeeded' }));
    expect((await store.activeRuns()).map((r) => r.id)).toEqual([active.id]);
  });

  it('remembers a delivery once it is marked handled, and only then', async () => {
    expect(await store.handled('1/abc')).toBe(false);
    await store.markHandled('1/abc');
    await store.markHandled('1/abc');
    expect(await store.handled('1/abc')).toBe(true);
    expect(await store.handled('2/abc')).toBe(false);
  });

  it("keeps a branch's approved state, moving it only over the state a change was judged against", async () => {
    const state = (sha: string) => ({ id: 'acme/ops@main', sha, by: '#1', at: '2026-12-01T00:00:00Z' });
    expect(await store.saveApprovedState(state('a'), { onlyIfNone: true })).toBe(true);
    expect(await store.saveApprovedState(state('x'), { onlyIfNone: true })).toBe(false);
    expect(await store.saveApprovedState(state('b'), { expect: 'a' })).toBe(true);
    expect(await store.saveApprovedState(state('c'), { expect: 'a' })).toBe(false);
    expect((await store.approvedState('acme/ops@main'))?.sha).toBe('b');
    expect(await store.saveApprovedState({ ...state('r'), id: 'acme/ops@release/1' }, { expect: 'b' })).toBe(true);
  });

  it('creates one run per idempotency key, however often it is asked', async () => {
    const run = aRun();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.createRun({ ...run, id: `${run.id}-${i}` })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(await store.runs({ mergeSha: run.mergeSha })).toHaveLength(1);
  });

  it('saves a run only over the version it was read at', async () => {
    const { run } = await store.createRun(aRun());
    await store.saveRun({ ...run, status: 'running', version: 2 });
    await expect(store.saveRun({ ...run, status: 'aborted', version: 2 })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.run(run.id))?.status).toBe('running');
  });

  it('keeps a checkpoint once', async () => {
    expect(await store.saveCheckpoint('run-1/step/1', { output: 'first' })).toBe(true);
    expect(await store.saveCheckpoint('run-1/step/1', { output: 'second' })).toBe(false);
    expect(await store.checkpoint('run-1/step/1')).toEqual({ output: 'first' });
    expect(await store.checkpoint('run-1/step/2')).toBeUndefined();
  });

  it('queues lock holders first come, first served', async () => {
    expect(await store.acquireLock('traffic:checkout/production', 'run-a')).toEqual({
      held: true,
      position: 0,
      holder: 'run-a',
    });
    expect(await store.acquireLock('traffic:checkout/production', 'run-b')).toEqual({
      held: false,
      position: 1,
      holder: 'run-a',
    });
    expect(await store.acquireLock('traffic:checkout/production', 'run-b')).toEqual({
      held: false,
      position: 1,
      holder: 'run-a',
    });
    await store.releaseLock('traffic:checkout/production', 'run-a');
    expect(await store.acquireLock('traffic:checkout/production', 'run-b')).toEqual({
      held: true,
      position: 0,
      holder: 'run-b',
    });
  });

  it('chains events so that an altered one is detected', async () => {
    await store.appendEvents(
      'run-x',
      [
        { type: 'run-started', actor: 'zeroops', data: {} },
        { type: 'step-started', actor: 'zeroops', data: { step: 'one' } },
      ],
      '2026-11-25T00:00:00.000Z',
    );
    await store.appendEvents(
      'run-x',
      [{ type: 'run-succeeded', actor: 'zeroops', data: {} }],
      '2026-11-25T00:00:01.000Z',
    );
    const events = await store.events('run-x');
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run-started'],
      [2, 'step-started'],
      [3, 'run-succeeded'],
    ]);
    expect(verifyChain(events, { seq: 3, hash: events[2]!.hash })).toEqual({ ok: true, events: 3, problems: [] });
    await raw('events').updateOne({ chain: 'run-x', seq: 2 }, { $set: { data: { step: 'two' } } });
    expect(verifyChain(await store.events('run-x')).problems).toEqual([
      'event 2 (step-started) was altered after it was recorded',
    ]);
  });

  it('finds the open incident of a fingerprint', async () => {
    await store.saveIncident({
      id: 'i1',
      fingerprint: 'fp',
      repo: 'acme/ops',
      issueNumber: 7,
      state: 'open',
      runIds: ['r1'],
      createdAt: 'now',
    });
    expect((await store.openIncident('fp'))?.issueNumber).toBe(7);
    await store.saveIncident({
      id: 'i1',
      fingerprint: 'fp',
      repo: 'acme/ops',
      issueNumber: 7,
      state: 'closed',
      runIds: ['r1'],
      createdAt: 'now',
    });
    expect(await store.openIncident('fp')).toBeUndefined();
  });
}
