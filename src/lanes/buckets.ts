/**
 * Sticky buckets: a user's bucket (0–9,999) is a hash of their id with a per-service salt, so the
 * same user stays in the same place as a lane's percentage grows (a lane at p% holds the first p% of
 * its bucket range: growing only adds users). The hash is XXH32 seeded with the salt, which HAProxy
 * computes too (`req.hdr(x-user-id),xxh32(<salt>),mod(10000)`), so routing and planning agree. Pure.
 */

export const BUCKETS = 10_000;

/** A range of buckets, both ends included. */
export interface BucketRange {
  from: number;
  to: number;
}

export const allBuckets: BucketRange = { from: 0, to: BUCKETS - 1 };

export function bucketOf(userId: string, salt: number): number {
  return xxh32(new TextEncoder().encode(userId), salt) % BUCKETS;
}

/** The service's salt: a hash of its name, so two services do not put the same users first. */
export function saltOf(service: string): number {
  return xxh32(new TextEncoder().encode(`zeroops:${service}`), 0);
}

/** The part of `range` a lane at `percent` holds: its first `percent` of buckets (none at 0%). */
export function reachOf(range: BucketRange, percent: number): BucketRange | undefined {
  const size = Math.round(((range.to - range.from + 1) * percent) / 100);
  return size > 0 ? { from: range.from, to: range.from + size - 1 } : undefined;
}

export function intersectBuckets(a: BucketRange, b: BucketRange): BucketRange | undefined {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : undefined;
}

/** "0–499", or "every bucket". */
export function describeBuckets(range: BucketRange): string {
  if (range.from === allBuckets.from && range.to === allBuckets.to) return 'every bucket';
  const format = (n: number) => n.toLocaleString('en-US');
  return range.from === range.to ? `bucket ${format(range.from)}` : `buckets ${format(range.from)}–${format(range.to)}`;
}

/** Reads "500-2999" (or "500–2999"); undefined when it is not a range within 0–9,999. */
export function parseBuckets(text: string): BucketRange | undefined {
  const match = /^\s*(\d+)\s*[-–]\s*(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const [from, to] = [Number(match[1]), Number(match[2])];
  return from <= to && to < BUCKETS ? { from, to } : undefined;
}

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
const round = (acc: number, lane: number) => mul(rotl((acc + mul(lane, PRIME2)) >>> 0, 13), PRIME1);
const word = (bytes: Uint8Array, i: number) =>
  (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;

/** XXH32 of `bytes` with `seed` (the reference algorithm, unsigned 32-bit result). */
export function xxh32(bytes: Uint8Array, seed: number): number {
  let i = 0;
  let hash: number;
  if (bytes.length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) >>> 0;
    let v2 = (seed + PRIME2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - PRIME1) >>> 0;
    for (; i + 16 <= bytes.length; i += 16) {
      v1 = round(v1, word(bytes, i));
      v2 = round(v2, word(bytes, i + 4));
      v3 = round(v3, word(bytes, i + 8));
      v4 = round(v4, word(bytes, i + 12));
    }
    hash = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    hash = (seed + PRIME5) >>> 0;
  }
  hash = (hash + bytes.length) >>> 0;
  for (; i + 4 <= bytes.length; i += 4) hash = mul(rotl((hash + mul(word(bytes, i), PRIME3)) >>> 0, 17), PRIME4);
  for (; i < bytes.length; i++) hash = mul(rotl((hash + mul(bytes[i]!, PRIME5)) >>> 0, 11), PRIME1);
  hash = mul(hash ^ (hash >>> 15), PRIME2);
  hash = mul(hash ^ (hash >>> 13), PRIME3);
  return (hash ^ (hash >>> 16)) >>> 0;
}
