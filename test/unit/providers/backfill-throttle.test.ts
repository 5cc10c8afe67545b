import {
  defaultThrottleLimits,
  nextThrottle,
  type ThrottleSignals,
} from '../../../src/providers/postgres/backfill-throttle.js';

const calm: ThrottleSignals = {
  batchMs: 40,
  blockedSessions: 0,
  walWaitingSessions: 0,
  baselineWalWaiting: 0,
  replicaLagSeconds: 0,
  probeMs: 1,
  baselineProbeMs: 1,
};
const limits = defaultThrottleLimits(1000);

describe('the backfill throttle', () => {
  it('grows the batch a little and shortens the pause while the application feels nothing', () => {
    const next = nextThrottle({ batchSize: 1000, pauseRatio: 5 }, calm, limits);
    expect(next).toEqual({ batchSize: 1062, pauseRatio: 4, pauseMs: 160, pressure: [] });
    let state = { batchSize: 1000, pauseRatio: 5 };
    for (let i = 0; i < 500; i++) state = nextThrottle(state, calm, limits);
    expect(state).toMatchObject({ batchSize: limits.maxBatch, pauseRatio: limits.minPauseRatio });
  });

  it.each([
    [{ blockedSessions: 2 }, '2 session(s) waited on a lock'],
    [{ walWaitingSessions: 2 }, '2 session(s) waited on writing WAL at once (before: at most 0)'],
    [
      { walWaitingSessions: 4, baselineWalWaiting: 3 },
      '4 session(s) waited on writing WAL at once (before: at most 3)',
    ],
    [{ replicaLagSeconds: 2.5 }, 'replica lag 2.5s > 1.5s'],
    [{ batchMs: 350 }, 'batch took 350ms > 200ms'],
    [{ probeMs: 25 }, "a read like the application's took 25.0ms (before: 1.0ms)"],
    [
      { probeFailure: 'Connection terminated unexpectedly' },
      'the probe could not read what the application feels (Connection terminated unexpectedly)',
    ],
  ])('halves the batch and doubles the pause when %j, saying why', (signal, why) => {
    const next = nextThrottle({ batchSize: 1000, pauseRatio: 3 }, { ...calm, ...signal }, limits);
    expect(next).toMatchObject({ batchSize: 500, pauseRatio: 6, pressure: [why] });
  });

  it.each([[{ walWaitingSessions: 1 }], [{ walWaitingSessions: 3, baselineWalWaiting: 3 }]])(
    'takes WAL waits as pressure only above what the server had before: %j',
    (signal) => {
      expect(nextThrottle({ batchSize: 1000, pauseRatio: 3 }, { ...calm, ...signal }, limits).pressure).toEqual([]);
    },
  );

  it('writes at most a quarter of the time, however calm the application', () => {
    const next = nextThrottle({ batchSize: 1000, pauseRatio: 3 }, { ...calm, batchMs: 40 }, limits);
    expect(next.pauseMs / (next.pauseMs + 40)).toBeGreaterThanOrEqual(0.75);
  });

  it('never goes below its smallest batch or above its longest pause', () => {
    let state = { batchSize: 1000, pauseRatio: 3 };
    for (let i = 0; i < 50; i++) state = nextThrottle(state, { ...calm, blockedSessions: 1 }, limits);
    expect(state).toMatchObject({ batchSize: limits.minBatch, pauseRatio: limits.maxPauseRatio });
  });
});
