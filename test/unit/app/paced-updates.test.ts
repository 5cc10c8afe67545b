/** Check-run updates are paced: status changes at once, progress at most once per interval with the latest winning, never out of order. */
import { PacedUpdates } from '../../../src/app/paced-updates.js';
import type { Run, RunStatus } from '../../../src/engine/run.js';
import { aRun } from '../../support/builders.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const state = (status: RunStatus, progress: number): Run => ({
  ...aRun({ id: 'run-1', status }),
  reason: `progress ${progress}`,
});
const label = (run: Run) => `${run.status} ${run.reason}`;

function paced(intervalMs = 200, sendMs = 0) {
  const sent: string[] = [];
  const trailingErrors: string[] = [];
  let failNext = false;
  const updates = new PacedUpdates(
    async (run) => {
      await sleep(sendMs);
      if (failNext) {
        failNext = false;
        throw new Error(`forge down while sending ${label(run)}`);
      }
      sent.push(label(run));
    },
    (_run, error) => trailingErrors.push(error.message),
    intervalMs,
  );
  return {
    updates,
    sent,
    trailingErrors,
    failOnce: () => {
      failNext = true;
    },
  };
}

describe('PacedUpdates', () => {
  it('sends a change of status at once and progress within the interval once, as its latest state', async () => {
    const { updates, sent } = paced(200);
    await updates.update(state('running', 1));
    await updates.update(state('running', 2));
    await updates.update(state('running', 3));
    expect(sent).toEqual(['running progress 1']);
    await updates.update(state('paused', 4));
    expect(sent).toEqual(['running progress 1', 'paused progress 4']);
    await updates.update(state('paused', 5));
    await sleep(300);
    expect(sent).toEqual(['running progress 1', 'paused progress 4', 'paused progress 5']);
  });

  it('sends progress at once when the interval has passed', async () => {
    const { updates, sent } = paced(50);
    await updates.update(state('running', 1));
    await sleep(80);
    await updates.update(state('running', 2));
    expect(sent).toEqual(['running progress 1', 'running progress 2']);
  });

  it('sends only the newest of the states that arrive before a send starts', async () => {
    const { updates, sent } = paced(200, 20);
    const first = updates.update(state('running', 1));
    await updates.update(state('paused', 2));
    await first;
    expect(sent).toEqual(['paused progress 2']);
  });

  it('lands the final state last, after a slower send of an earlier one, and drops the progress it overtook', async () => {
    const { updates, sent } = paced(200, 40);
    const first = updates.update(state('running', 1));
    await sleep(5); // the first send is under way
    void updates.update(state('running', 2));
    await updates.update(state('succeeded', 3));
    await first;
    await sleep(300);
    expect(sent).toEqual(['running progress 1', 'succeeded progress 3']);
  });

  it('tells the caller of a failed send, and goes on with the next', async () => {
    const { updates, sent, failOnce } = paced(200);
    failOnce();
    await expect(updates.update(state('running', 1))).rejects.toThrow('forge down while sending running progress 1');
    await updates.update(state('failed', 2));
    expect(sent).toEqual(['failed progress 2']);
  });

  it('reports a failed trailing send, which has no caller to tell', async () => {
    const { updates, trailingErrors, failOnce } = paced(50);
    await updates.update(state('running', 1));
    failOnce();
    await updates.update(state('running', 2));
    await sleep(120);
    expect(trailingErrors).toEqual(['forge down while sending running progress 2']);
  });

  it('sends what is still waiting when flushed before shutting down', async () => {
    const { updates, sent } = paced(10_000);
    await updates.update(state('running', 1));
    await updates.update(state('running', 2));
    await updates.flushAll();
    expect(sent).toEqual(['running progress 1', 'running progress 2']);
  });
});
