import { randomKeyIn } from '../../../src/providers/postgres/backfill-probe.js';

describe("the backfill probe's random keys", () => {
  const draw = (lower: bigint, upper: bigint, times = 2000) => {
    const next = randomKeyIn(lower, upper);
    return Array.from({ length: times }, () => next());
  };

  it('stay inside a range that ends at the bigint maximum, exactly', () => {
    const max = 9_223_372_036_854_775_807n;
    const keys = draw(max - 10n, max);
    expect(keys.every((k) => k >= max - 10n && k <= max)).toBe(true);
    expect(new Set(keys).size).toBeGreaterThan(5); // spread over the range, not one key
  });

  it('spread over a span far wider than a double can count in ones', () => {
    const keys = draw(-(2n ** 62n), 2n ** 62n);
    expect(keys.some((k) => k < 0n) && keys.some((k) => k > 0n)).toBe(true);
  });

  it('are the one key of a one-key range', () => {
    expect(new Set(draw(2n ** 53n + 1n, 2n ** 53n + 1n, 50))).toEqual(new Set([2n ** 53n + 1n]));
  });
});
