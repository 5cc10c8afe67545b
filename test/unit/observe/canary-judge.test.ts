/** The canary judge: a lane against the stable version on the same segment, by rank test and effect size. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { hodgesLehmann, judgeCanary, mannWhitneyGreater } from '../../../src/observe/canary-judge.js';

const noisy = (n: number, level: number, spread: number, seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => Math.max(0, level + spread * (random() * 2 - 1)));
};

describe('the statistics', () => {
  it('Mann-Whitney: the one-sided p-value by the normal approximation, with continuity and ties corrected', () => {
    // U = 9 of 9 pairs; σ² = 3·3/12 · 7 = 5.25; z = (9 − 4.5 − 0.5) / √5.25 = 1.746.
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(0.0404, 3);
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6])).toBeGreaterThan(0.95);
    expect(mannWhitneyGreater([1, 1, 1], [1, 1, 1])).toBe(1);
    // Ties shrink the variance: [2,2,3] over [1,2,2] gives U = 7, σ² = 0.75·(7 − 60/30) = 3.75, z = 1.033.
    expect(mannWhitneyGreater([2, 2, 3], [1, 2, 2])).toBeCloseTo(0.1508, 3);
  });

  it('Hodges-Lehmann: the median of the pairwise differences', () => {
    expect(hodgesLehmann([1, 2, 3], [0])).toBe(2);
    expect(hodgesLehmann([10, 10], [1, 2, 3, 100])).toBe(7.5);
  });
});

describe('judging a lane', () => {
  it('fails a lane whose errors are significantly and materially above the baseline, with the numbers', () => {
    const verdict = judgeCanary(noisy(60, 0.05, 0.01, 1), noisy(60, 0.001, 0.001, 2), { minEffect: 0.01 });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.effect).toBeCloseTo(0.049, 2);
    expect(verdict.reason).toMatch(
      new RegExp(
        String.raw`^worse than the baseline \(lane median 0\.0\d+ vs baseline 0\.00\d+, difference 0\.0\d+, ` +
          String.raw`one-sided Mann-Whitney p = \d\.\de-\d+; more than 0\.01 matters\)$`,
      ),
    );
  });

  it('passes a worsening too small to matter, however significant, and one that is not significant', () => {
    const small = judgeCanary(noisy(60, 0.0015, 0.0002, 3), noisy(60, 0.001, 0.0002, 4), { minEffect: 0.01 });
    expect(small).toMatchObject({
      verdict: 'pass',
      reason: expect.stringMatching(/^worse by no more than 0\.01, which does not matter/),
    });
    expect(small.pValue).toBeLessThan(0.001);
    const same = judgeCanary(noisy(60, 0.2, 0.05, 5), noisy(60, 0.2, 0.05, 6), { minEffect: 0.05 });
    expect(same).toMatchObject({ verdict: 'pass', reason: expect.stringMatching(/^not significantly worse/) });
    const better = judgeCanary(noisy(60, 0.1, 0.02, 7), noisy(60, 0.3, 0.02, 8), { minEffect: 0.05 });
    expect(better.verdict).toBe('pass');
    expect(better.pValue).toBeGreaterThan(0.99);
  });

  it('holds a relative bar: a quarter above a large baseline', () => {
    const latency = judgeCanary(noisy(60, 0.55, 0.02, 9), noisy(60, 0.5, 0.02, 10), { minEffect: 0.05 });
    expect(latency.verdict).toBe('pass');
    const slower = judgeCanary(noisy(60, 0.7, 0.02, 11), noisy(60, 0.5, 0.02, 12), { minEffect: 0.05 });
    expect(slower.verdict).toBe('fail');
  });

  it('fails errors that come in bursts, where the median of the differences is 0', () => {
    const bursts = [...Array(12).fill(0), ...Array(8).fill(0.3)];
    const verdict = judgeCanary(bursts, Array(20).fill(0), { minEffect: 0.01 });
    expect(verdict).toMatchObject({ verdict: 'fail' });
    expect(verdict.effect).toBeCloseTo(0.12, 5);
  });

  it('judges a metric where lower is worse, as a success rate', () => {
    const worse = judgeCanary(noisy(60, 0.9, 0.01, 14), noisy(60, 0.999, 0.001, 15), {
      minEffect: 0.01,
      worse: 'lower',
    });
    expect(worse).toMatchObject({ verdict: 'fail', laneMedian: expect.closeTo(0.9, 1) });
    const better = judgeCanary(noisy(60, 0.999, 0.001, 16), noisy(60, 0.9, 0.01, 17), {
      minEffect: 0.01,
      worse: 'lower',
    });
    expect(better.verdict).toBe('pass');
  });

  it('waits, never fails, without enough samples on either side; values that are not numbers do not count', () => {
    const verdict = judgeCanary([0.9, 0.9, NaN, 0.9], noisy(60, 0.001, 0.001, 13), { minEffect: 0.01 });
    expect(verdict).toMatchObject({
      verdict: 'nodata',
      samples: { lane: 3, baseline: 60 },
      reason:
        'too few samples to compare (3 from the lane, 60 from the baseline; 10 each needed): waiting, not failing',
    });
  });
});
