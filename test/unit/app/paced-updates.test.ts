/** Check-run updates are paced: status changes at once, progress at most once per interval with the latest winning, never out of order. */
import { jest } from '@jest/globals';
import { PacedUpdates } from '../../../src/app/paced-updates.js';
import type { Run, RunStatus } from '../../../src/engine/run.js';
import { aRun } from '../../support/builders.js';

const state = (status: RunStatus, progress: number): Run => ({
  ...aRun({ id: 'run-1', status }),
  reason: `progress ${progress}`,
});
const label = (run: Run) => `${run.status} ${run.reason}`;
/** Time passes on the fake clock, and whatever it made due has run. */
const pass = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Sends complete at once, or (held) only when the test lets the oldest one go. */
function paced(intervalMs = 200, options: { held?: boolean } = {}) {
  const sent: string[] = [];
  const trailingErrors: string[] = [];
  const waiting: (() => void)[] = [];
  let failNext = false;
  const updates = new PacedUpdates(
    async (run) => {
      if (options.held) await new Promise<void>((release) => waiting.push(release));
      if (failNext) {
        failNext = false;
        throw new Error(`forge down while sending ${label(run)}`);
      }
      sent.push(label(run));
    },
    (_run, error) => trailingErrors.push(error.message),
    intervalMs,
  );
  const releaseOldest = async () => {
    await pass(0);
    waiting.shift()?.();
    await pass(0);
  };
  return { updates, sent, trailingErrors, releaseOldest, failOnce: () => (failNext = true) };
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
    await pass(199);
    expect(sent).toEqual(['running progress 1', 'paused progress 4']);
    await pass(1);
    expect(sent).toEqual(['running progress 1', 'paused progress 4', 'paused progress 5']);
  });

  it('sends progress at once when the interval has passed', async () => {
    const { updates, sent } = paced(50);
    await updates.update(state('running', 1));
    await pass(50);
    await updates.update(state('running', 2));
    expect(sent).toEqual(['running progress 1', 'running progress 2']);
  });

  it('sends only the newest of the states that arrive before a send starts', async () => {
    const { updates, sent, releaseOldest } = paced(200, { held: true });
    const first = updates.update(state('running', 1));
    const second = updates.update(state('paused', 2));
    await releaseOldest();
    await Promise.all([first, second]);
    expect(sent).toEqual(['paused progress 2']);
  });

  it('lands the final state last, after a slower send of an earlier one, and drops the progress it overtook', async () => {
    const { updates, sent, releaseOldest } = paced(200, { held: true });
    const first = updates.update(state('running', 1));
    await pass(0); // the first send is under way
    void updates.update(state('running', 2));
    const last = updates.update(state('succeeded', 3));
    await releaseOldest();
    await releaseOldest();
    await Promise.all([first, last]);
    await pass(300);
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
    await pass(50);
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
