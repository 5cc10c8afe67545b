import {
  defaultThrottleLimits,
  nextThrottle,
  type ThrottleSignals,
} from '../../../src/providers/postgres/backfill-throttle.js';

const calm: ThrottleSignals = {
  batchMs: 40,
  blockedSessions: 0,
  replicaLagSeconds: 0,
  probeMs: 1,
  baselineProbeMs: 1,
};
const limits = defaultThrottleLimits(1000);

describe('the backfill throttle', () => {
  it('grows the batch a little and shortens the pause while the application feels nothing', () => {
    const next = nextThrottle({ batchSize: 1000, pauseRatio: 2 }, calm, limits);
    expect(next).toEqual({ batchSize: 1062, pauseRatio: 1.6, pauseMs: 64, pressure: [] });
    let state = { batchSize: 1000, pauseRatio: 2 };
    for (let i = 0; i < 500; i++) state = nextThrottle(state, calm, limits);
    expect(state).toMatchObject({ batchSize: limits.maxBatch, pauseRatio: limits.minPauseRatio });
  });

  it.each([
    [{ blockedSessions: 2 }, '2 session(s) waited on a lock'],
    [{ replicaLagSeconds: 2.5 }, 'replica lag 2.5s > 1.5s'],
    [{ batchMs: 350 }, 'batch took 350ms > 200ms'],
    [{ probeMs: 25 }, "a read like the application's took 25.0ms (before: 1.0ms)"],
  ])('halves the batch and doubles the pause when %j, saying why', (signal, why) => {
    const next = nextThrottle({ batchSize: 1000, pauseRatio: 1 }, { ...calm, ...signal }, limits);
    expect(next).toMatchObject({ batchSize: 500, pauseRatio: 2, pressure: [why] });
  });

  it('never goes below its smallest batch or above its longest pause', () => {
    let state = { batchSize: 1000, pauseRatio: 1 };
    for (let i = 0; i < 50; i++) state = nextThrottle(state, { ...calm, blockedSessions: 1 }, limits);
    expect(state).toMatchObject({ batchSize: limits.minBatch, pauseRatio: limits.maxPauseRatio });
  });
});
