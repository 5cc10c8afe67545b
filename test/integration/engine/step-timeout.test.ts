/** A step that outlives its timeout is told to stop, and the runner waits for it before recording the attempt. */
import { EffectError, type EffectContext } from '../../../src/engine/ports.js';
import { advanceRun, type RunnerDeps } from '../../../src/engine/runner.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const storeOf = embeddedStorePerTest('step-timeout-');

it('aborts an effect at its step timeout and records the attempt only once it has stopped', async () => {
  const seen: string[] = [];
  const effects = {
    apply: (action: { operation: string }, { signal }: EffectContext) =>
      action.operation === 'undo'
        ? Promise.resolve({})
        : new Promise<never>((_, reject) => {
            signal!.addEventListener('abort', () =>
              setTimeout(() => {
                seen.push('stopped');
                // Stopped mid-change, an effect may think it left nothing behind: the timeout decides.
                reject(new EffectError('stopped', true, { untouched: true }));
              }, 50),
            );
          }),
  };
  const deps: RunnerDeps = {
    store: storeOf(),
    effects,
    gates: { check: async () => [] },
    clock: () => new Date(),
    gateCheckSeconds: 1,
    lockPollSeconds: 1,
    scheduler: {
      later: async () => {
        seen.push('scheduled');
      },
    },
    reporter: { changed: async () => {} },
    log: quietLog,
  };
  const { run } = await storeOf().createRun(aRun({ plan: aPlan([aStep('slow', { timeoutSeconds: 1, retries: 0 })]) }));
  await advanceRun(deps, run.id);
  const saved = (await storeOf().run(run.id))!;
  expect(seen[0]).toBe('stopped');
  expect(saved.steps[0]).toMatchObject({ status: 'failed', error: 'timed out after 1s', unchanged: false });
  expect(saved.status).toBe('rolled_back');
  expect(saved.undo).toEqual([{ title: 'undo slow', status: 'succeeded' }]);
});
