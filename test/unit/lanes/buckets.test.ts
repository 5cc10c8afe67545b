/** Sticky buckets: the reference hash, a spread that is fair, and growth that only adds users. */
import { bucketOf, describeBuckets, parseBuckets, reachOf, saltOf, xxh32 } from '../../../src/lanes/buckets.js';
import { population } from '../../../lab/components/load-generator.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('sticky buckets', () => {
  it('hashes with XXH32 as its reference does (the vectors of the xxHash project)', () => {
    expect(xxh32(bytes(''), 0)).toBe(0x02cc5d05);
    expect(xxh32(bytes('a'), 0)).toBe(0x550d7456);
    expect(xxh32(bytes('abc'), 0)).toBe(0x32d153ff);
    expect(xxh32(bytes('Nobody inspects the spammish repetition'), 0)).toBe(0xe2293b2f);
    expect(xxh32(bytes('abc'), 1)).not.toBe(xxh32(bytes('abc'), 0));
  });

  it('spreads users evenly over the buckets, differently for each service', () => {
    const salt = saltOf('checkout');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) counts[Math.floor(bucketOf(`u${i}`, salt) / 1000)]++;
    for (const count of counts) expect(Math.abs(count - 2000)).toBeLessThan(200);
    expect(saltOf('checkout')).not.toBe(saltOf('payments'));
    const moved = Array.from({ length: 1000 }, (_, i) => `u${i}`).filter(
      (id) => bucketOf(id, saltOf('checkout')) !== bucketOf(id, saltOf('payments')),
    );
    expect(moved.length).toBeGreaterThan(990);
  });

  it('keeps every user of a lane in it as its percentage grows', () => {
    const salt = saltOf('checkout');
    const users = population(1000, 42).map((u) => u.id);
    const inLane = (percent: number) =>
      new Set(
        users.filter((id) => {
          const reach = reachOf({ from: 0, to: 9999 }, percent);
          const bucket = bucketOf(id, salt);
          return reach !== undefined && bucket >= reach.from && bucket <= reach.to;
        }),
      );
    const steps = [5, 20, 50, 100].map(inLane);
    for (const [i, step] of steps.entries()) {
      if (i > 0) for (const id of steps[i - 1]!) expect(step.has(id)).toBe(true);
    }
    expect(steps[0]!.size / users.length).toBeCloseTo(0.05, 1);
    expect(steps[3]!.size).toBe(users.length);
  });

  it('holds the first share of a range, none at 0%, and reads and says ranges', () => {
    expect(reachOf({ from: 5000, to: 9999 }, 10)).toEqual({ from: 5000, to: 5499 });
    expect(reachOf({ from: 0, to: 9999 }, 0)).toBeUndefined();
    expect(parseBuckets('500-2999')).toEqual({ from: 500, to: 2999 });
    expect(parseBuckets(' 500 – 2999 ')).toEqual({ from: 500, to: 2999 });
    expect(parseBuckets('2999-500')).toBeUndefined();
    expect(parseBuckets('0-10000')).toBeUndefined();
    expect(describeBuckets({ from: 0, to: 9999 })).toBe('every bucket');
    expect(describeBuckets({ from: 0, to: 1499 })).toBe('buckets 0–1,499');
    expect(describeBuckets({ from: 7, to: 7 })).toBe('bucket 7');
  });
});
