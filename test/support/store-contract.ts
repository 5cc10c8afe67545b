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

  it('gives an expired lease to one of two takers at once', async () => {
    await store.lease('advance/r2', 'a', '2026-12-01T00:00:30Z', '2026-12-01T00:00:00Z');
    const takers = await Promise.all(
      ['b', 'c', 'd'].map((holder) =>
        store.lease('advance/r2', holder, '2026-12-01T00:05:00Z', '2026-12-01T00:01:00Z'),
      ),
    );
    expect(takers.filter(Boolean)).toHaveLength(1);
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

  it('forgets deliveries handled before a given time, and only those', async () => {
    await store.markHandled('1/old');
    const before = new Date(Date.now() + 60_000).toISOString();
    expect(await store.pruneDeliveries(new Date(Date.now() - 60_000).toISOString())).toBe(0);
    expect(await store.handled('1/old')).toBe(true);
    expect(await store.pruneDeliveries(before)).toBe(1);
    expect(await store.handled('1/old')).toBe(false);
  });

  it('keeps the documents it is given and replaces them by id', async () => {
    const record = { id: 'acme/ops#3@abc', repo: 'acme/ops', pullNumber: 3, sha: 'abc', tasks: [], errors: 0 };
    await store.savePlanRecord({ ...record, createdAt: '2026-12-01T00:00:00Z' });
    await store.savePlanRecord({ ...record, errors: 2, createdAt: '2026-12-01T00:00:01Z' });
    expect(await store.planRecord(record.id)).toEqual({ ...record, errors: 2, createdAt: '2026-12-01T00:00:01Z' });
    expect(await store.planRecord('acme/ops#4@abc')).toBeUndefined();
    await store.savePull({ id: 'acme/ops#3', author: 'carol', lastPusher: 'carol', pushers: ['carol'] });
    expect((await store.pull('acme/ops#3'))?.pushers).toEqual(['carol']);
  });

  it('lists runs by repository, pull request and merge commit, oldest first', async () => {
    const first = aRun({ id: 'run-1', key: 'k1', pullNumber: 1, createdAt: '2026-12-01T00:00:01Z' });
    await store.createRun(aRun({ id: 'run-2', key: 'k2', pullNumber: 2, createdAt: '2026-12-01T00:00:02Z' }));
    await store.createRun(first);
    expect((await store.runs({ repo: first.repo.repo })).map((r) => r.id)).toEqual(['run-1', 'run-2']);
    expect((await store.runs({ pullNumber: 2 })).map((r) => r.id)).toEqual(['run-2']);
    expect(await store.runs({ repo: 'someone/else' })).toEqual([]);
    expect(await store.run('run-1')).toEqual(first);
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

  it('replaces a loop state whole, key by key', async () => {
    expect(await store.loopState('watch/checkout')).toBeUndefined();
    await store.saveLoopState('watch/checkout', { phases: { 'dc-a': 'drained' }, seen: [1, 2] });
    await store.saveLoopState('watch/checkout', { phases: { 'dc-a': 'warming' } });
    await store.saveLoopState('watch/payments', { phases: {} });
    expect(await store.loopState('watch/checkout')).toEqual({ phases: { 'dc-a': 'warming' } });
    expect(await store.loopState('watch/payments')).toEqual({ phases: {} });
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

  it('keeps one chain when several writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.appendEvents('run-y', [{ type: `writer-${i}`, actor: 'zeroops', data: {} }], '2026-11-25T00:00:00.000Z'),
      ),
    );
    const events = await store.events('run-y');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(verifyChain(events).ok).toBe(true);
  });

  it('queues concurrent lock requests without giving the lock twice', async () => {
    const states = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => store.acquireLock('db:shop', holder)));
    expect(states.filter((s) => s.held)).toHaveLength(1);
    expect(states.map((s) => s.position).sort()).toEqual([0, 1, 2, 3]);
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

  it('remembers the repositories it heard from, once each, with their latest installation', async () => {
    await store.saveRepo({ owner: 'acme', repo: 'ops', installationId: 1, defaultBranch: 'main' });
    await store.saveRepo({ owner: 'acme', repo: 'web', defaultBranch: 'trunk' });
    await store.saveRepo({ owner: 'acme', repo: 'ops', installationId: 2, defaultBranch: 'main' });
    expect(await store.repos()).toEqual([
      { owner: 'acme', repo: 'ops', installationId: 2, defaultBranch: 'main' },
      { owner: 'acme', repo: 'web', defaultBranch: 'trunk' },
    ]);
  });

  it('lists the open incidents of a repository and finds one by id', async () => {
    const incident = (id: string, repo: string, state: 'open' | 'closed') => ({
      id,
      fingerprint: `fp-${id}`,
      repo,
      issueNumber: 1,
      state,
      runIds: [],
      createdAt: 'now',
    });
    await store.saveIncident(incident('acme/ops#2', 'acme/ops', 'open'));
    await store.saveIncident(incident('acme/ops#1', 'acme/ops', 'open'));
    await store.saveIncident(incident('acme/ops#3', 'acme/ops', 'closed'));
    await store.saveIncident(incident('acme/web#1', 'acme/web', 'open'));
    expect((await store.openIncidents('acme/ops')).map((i) => i.id)).toEqual(['acme/ops#1', 'acme/ops#2']);
    expect((await store.incidents('acme/ops')).map((i) => i.id)).toEqual(['acme/ops#1', 'acme/ops#2', 'acme/ops#3']);
    expect((await store.incident('acme/ops#3'))?.state).toBe('closed');
    expect(await store.incident('acme/ops#9')).toBeUndefined();
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
