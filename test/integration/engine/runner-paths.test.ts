/**
 * The runner's less travelled paths, on the embedded store: a rollback step that fails, a command
 * that changes the run while its step is in flight, and the same failure twice (one incident).
 */
import { applyCommand } from '../../../src/engine/machine.js';
import { EffectError, type EffectContext } from '../../../src/engine/ports.js';
import { advanceRun, commit, type RunnerDeps } from '../../../src/engine/runner.js';
import { ForgeRunReporter, incidentFingerprint } from '../../../src/app/report-run.js';
import type { Forge } from '../../../src/forge/forge.js';
import type { Action } from '../../../src/plan/types.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';

const storeOf = embeddedStorePerTest('runner-paths-');

function depsWith(apply: (action: Action, context: EffectContext) => Promise<{ output?: unknown }>): RunnerDeps {
  return {
    store: storeOf(),
    effects: { apply },
    gates: { check: async () => [] },
    clock: () => new Date(),
    gateCheckSeconds: 1,
    lockPollSeconds: 1,
    scheduler: { later: async () => {} },
    reporter: { changed: async () => {} },
    log: quietLog,
  };
}

const eventTypes = async (runId: string) => (await storeOf().events(runId)).map((e) => e.type);

describe('a step that failed before it changed anything', () => {
  it('is not undone, and each attempt is told whether an earlier one can have acted', async () => {
    const seen: { step: string; cleanSlate: boolean | undefined }[] = [];
    const undone: unknown[] = [];
    const deps = depsWith(async (action, context) => {
      seen.push({ step: context.step, cleanSlate: context.cleanSlate });
      if (action.operation === 'undo') undone.push(action.params.id);
      if (action.operation === 'add' && context.attempt === 1)
        throw new EffectError('lock wait', true, { untouched: true });
      if (action.operation === 'add') throw new EffectError('c already exists', false, { untouched: true });
      return {};
    });
    const plan = aPlan([
      aStep('one', { retries: 0 }),
      aStep('add', { retries: 1, action: { provider: 'haproxy', operation: 'add', params: {} } }),
    ]);
    const { run } = await storeOf().createRun(aRun({ plan }));
    let now = Date.now();
    deps.clock = () => new Date(now);
    await advanceRun(deps, run.id);
    now += 5000; // past the retry's backoff
    await advanceRun(deps, run.id);
    const saved = (await storeOf().run(run.id))!;
    expect(saved.status).toBe('rolled_back');
    expect(undone).toEqual(['one']);
    expect(saved.reason).toContain('Not undone: add, which failed before it changed anything');
    expect(seen.filter((s) => s.step !== 'undo-0')).toEqual([
      { step: 'one', cleanSlate: true },
      { step: 'add', cleanSlate: true },
      { step: 'add', cleanSlate: true },
    ]);
  });
});

describe('a step found running after a crash', () => {
  it('is told an earlier attempt may have acted, and is undone whatever its next attempt says', async () => {
    const seen: (boolean | undefined)[] = [];
    const undone: unknown[] = [];
    const deps = depsWith(async (action, context) => {
      if (action.operation === 'undo') undone.push(action.params.id);
      else seen.push(context.cleanSlate);
      if (action.operation === 'add') throw new EffectError('c already exists', false, { untouched: true });
      return {};
    });
    const plan = aPlan([aStep('add', { retries: 0, action: { provider: 'haproxy', operation: 'add', params: {} } })]);
    const crashed = aRun({ plan, status: 'running' });
    crashed.steps[0] = { ...crashed.steps[0]!, status: 'running', attempts: 1, startedAt: new Date().toISOString() };
    const { run } = await storeOf().createRun(crashed);
    await advanceRun(deps, run.id);
    expect(seen).toEqual([false]);
    expect(undone).toEqual(['add']);
    expect((await storeOf().run(run.id))!.status).toBe('rolled_back');
  });
});

describe('a rollback step that fails', () => {
  /**
   * Step two breaks, so step one is undone; `undoOne` answers each attempt of that undo (its number
   * given). Returns the run as saved and how many attempts the undo had.
   */
  async function rollBackWith(undoOne: (attempt: number) => void) {
    let undoCalls = 0;
    const deps = depsWith(async (action) => {
      if (action.operation === 'break') throw new Error('instance did not come back');
      if (action.operation === 'undo' && action.params.id === 'one') undoOne(++undoCalls);
      return {};
    });
    const plan = aPlan([
      aStep('one'),
      aStep('two', { action: { provider: 'haproxy', operation: 'break', params: {} } }),
    ]);
    const { run } = await storeOf().createRun(
      aRun({ plan: { ...plan, steps: plan.steps.map((s) => ({ ...s, retries: 0 })) } }),
    );
    await advanceRun(deps, run.id);
    return { run: (await storeOf().run(run.id))!, undoCalls };
  }

  it('is tried again when its failure may pass (a lost connection), and the rollback completes', async () => {
    const { run, undoCalls } = await rollBackWith((attempt) => {
      if (attempt === 1) throw new Error('Connection terminated unexpectedly');
    });
    expect(run.status).toBe('rolled_back');
    expect(undoCalls).toBe(2);
  });

  it('is not tried again when its effect says retrying cannot help', async () => {
    const { run, undoCalls } = await rollBackWith(() => {
      throw new EffectError('2 row(s) hold a column_2 that column_1::jsonb does not give', false);
    });
    expect(run.status).toBe('failed');
    expect(undoCalls).toBe(1);
  });

  it('ends the run failed, says the system may be half rolled back, and records which undo failed', async () => {
    const { run, undoCalls } = await rollBackWith(() => {
      throw new Error('HAProxy socket refused the command');
    });
    expect(run.status).toBe('failed');
    expect(run.reason).toBe(
      'rollback step "undo one" failed: HAProxy socket refused the command. The system may be half rolled back: a person must look now.',
    );
    expect(run.undo).toEqual([
      { title: 'undo two', status: 'succeeded' },
      { title: 'undo one', status: 'failed', error: 'HAProxy socket refused the command' },
    ]);
    expect(undoCalls).toBe(3); // tried three times: it might have passed
    expect(await eventTypes(run.id)).toEqual(
      expect.arrayContaining(['rollback-started', 'undo-succeeded', 'undo-failed', 'run-failed']),
    );
  });
});

describe('a command while a step is in flight', () => {
  it("discards the runner's transition, says so in the chain, and performs the step again on resume", async () => {
    const applied: string[] = [];
    let pauseDuringFirst = true;
    const deps = depsWith(async (_action, context) => {
      applied.push(context.checkpointKey);
      if (pauseDuringFirst) {
        pauseDuringFirst = false;
        // A person pauses the run while the effect runs: their save wins, the runner's loses.
        const current = (await storeOf().run(context.run.id))!;
        await commit(deps, current, applyCommand(current, { kind: 'pause', by: 'alice' }, new Date()));
      }
      return {};
    });
    const { run } = await storeOf().createRun(aRun({ plan: aPlan([aStep('only')]) }));
    await advanceRun(deps, run.id);
    const paused = (await storeOf().run(run.id))!;
    expect(paused.status).toBe('paused');
    expect(await eventTypes(run.id)).toContain('transition-discarded');
    const resumed = applyCommand(paused, { kind: 'resume', by: 'alice' }, new Date());
    await commit(deps, paused, resumed);
    await advanceRun(deps, run.id);
    expect((await storeOf().run(run.id))!.status).toBe('succeeded');
    // The same attempt again: an idempotent effect (or a script's attempt folder) makes it safe.
    expect(applied).toEqual([`${run.id}/only/1`, `${run.id}/only/1`]);
  });
});

describe('the same failure twice', () => {
  it('opens one incident and comments on it the second time, until its issue is closed', async () => {
    const issues: string[] = [];
    const comments: { number: number; body: string }[] = [];
    const forge = {
      comment: async (_repo: unknown, number: number, body: string) => void comments.push({ number, body }),
      createIssue: async (_repo: unknown, issue: { title: string }) => (issues.push(issue.title), 40 + issues.length),
      startCheck: async () => 7,
      updateCheck: async () => {},
    } as unknown as Forge;
    const reporter = new ForgeRunReporter(async () => forge, storeOf(), quietLog, 0);
    const failedRun = () =>
      aRun({
        status: 'rolled_back',
        reason: 'gate breached during restart-1: error_rate = 0.2 (limit 5%)',
        finishedAt: new Date().toISOString(),
      });
    const first = failedRun();
    const second = { ...failedRun(), reason: 'gate breached during restart-3: error_rate = 0.31 (limit 5%)' };
    for (const run of [first, second]) {
      await storeOf().createRun(run);
      await reporter.settle(run);
    }
    expect(issues).toEqual(['Incident: Runbook task-1 rolled back — checkout/production']);
    expect(comments.filter((c) => c.number === 41).map((c) => c.body.split('\n')[0])).toEqual([
      `The same failure happened again in run \`${second.id}\` (from #1, ${second.mergeSha.slice(0, 7)}).`,
    ]);
    expect((await storeOf().openIncident(incidentFingerprint(first)))?.runIds).toEqual([first.id, second.id]);
    await storeOf().closeIncident('acme/ops#41');
    const third = failedRun();
    await storeOf().createRun(third);
    await reporter.settle(third);
    expect(issues).toHaveLength(2);
    await reporter.flush();
  });
});
