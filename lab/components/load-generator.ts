/**
 * Steady, user-attributed traffic: each request carries a user id, tags, region and OS from a
 * seeded population, and the generator records who served it (version, datacenter) and how.
 * Runs in the lab's own process; counters are live for tests and the demo. The rate is steady, or
 * follows a daily cycle in compressed time.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface User {
  id: string;
  tags: string[];
  region: string;
  os: string;
}

export interface Counters {
  total: number;
  byStatus: Record<string, number>;
  byDc: Record<string, number>;
  byVersion: Record<string, number>;
  failed: number;
  latencyMsSum: number;
}

export interface LoadGenerator {
  /** Counters since the generator started. */
  totals(): Counters;
  /** A mark; `since(mark)` gives the counters of what happened after it. */
  mark(): Counters;
  since(mark: Counters): Counters;
  /** The counters of the next `requests` requests sent from now on, once every one of them is answered. */
  next(requests: number): Promise<Counters>;
  /** A steady rate in requests per second; it ends a cycle. */
  setRate(perSecond: number): void;
  /** A daily cycle in compressed time: the rate follows a sine from `min` up to `max` and back every period. */
  cycle(cycle: Cycle): void;
  /** The rate now, in requests per second. */
  rate(): number;
  /** What each user was actually served since the start or the last `clearReceipts()`: versions and features. */
  receipts(): Map<string, Receipt>;
  clearReceipts(): void;
  stop(): Promise<void>;
}

export interface Receipt {
  versions: Set<string>;
  features: Set<string>;
}

export interface Cycle {
  periodSeconds: number;
  /** Requests per second at the trough (where the cycle starts) and at the peak (half a period later). */
  min: number;
  max: number;
}

/** The rate of a cycle `seconds` after it started. */
function cycleRate({ periodSeconds, min, max }: Cycle, seconds: number): number {
  return min + ((max - min) * (1 - Math.cos((2 * Math.PI * seconds) / periodSeconds))) / 2;
}

/** A small, fast, seeded PRNG (mulberry32), so every lab sees the same population. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function population(size: number, seed = 42): User[] {
  const random = seededRandom(seed);
  const pick = <T>(weighted: [T, number][]) => {
    let r = random();
    for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
    return weighted[weighted.length - 1]![0];
  };
  return Array.from({ length: size }, (_, i) => ({
    id: `u${i + 1}`,
    tags: [random() < 0.1 ? 'beta' : '', random() < 0.05 ? 'internal' : ''].filter(Boolean),
    region: pick([
      ['cn-east', 0.4],
      ['cn-north', 0.3],
      ['us-west', 0.3],
    ]),
    os: pick([
      ['ios/17.4', 0.3],
      ['ios/16.7', 0.15],
      ['android/14', 0.4],
      ['web', 0.15],
    ]),
  }));
}

const emptyCounters = (): Counters => ({ total: 0, byStatus: {}, byDc: {}, byVersion: {}, failed: 0, latencyMsSum: 0 });

export function startLoad(targetUrl: string, perSecond: number, users = population(1000)): LoadGenerator {
  const counters = emptyCounters();
  let receipts = new Map<string, Receipt>();
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const inFlight = new Set<Promise<void>>();
  let rate = perSecond;
  let cycle: { shape: Cycle; startedMs: number } | undefined;
  let owed = 0;
  let next = 0;
  const tickMs = 20;
  const windows: Window[] = [];
  const timer = setInterval(() => {
    if (cycle) rate = cycleRate(cycle.shape, (performance.now() - cycle.startedMs) / 1000);
    owed += (rate * tickMs) / 1000;
    for (; owed >= 1; owed--) {
      const joined = windows.filter((w) => w.toSend > 0);
      for (const w of joined) {
        w.toSend--;
        w.outstanding++;
      }
      const into = [counters, ...joined.map((w) => w.counters)];
      const sent = send(targetUrl, users[next++ % users.length]!, agent, into, receipts).finally(() => {
        inFlight.delete(sent);
        for (const w of joined) if (--w.outstanding === 0 && w.toSend === 0) closeWindow(windows, w);
      });
      inFlight.add(sent);
    }
  }, tickMs);
  return {
    totals: () => structuredClone(counters),
    mark: () => structuredClone(counters),
    since: (mark) => subtract(counters, mark),
    next: (requests) =>
      new Promise((done) => windows.push({ toSend: requests, outstanding: 0, counters: emptyCounters(), done })),
    setRate: (next) => {
      cycle = undefined;
      rate = next;
    },
    cycle: (shape) => {
      if (!(shape.periodSeconds > 0 && shape.min >= 0 && shape.max >= shape.min))
        throw new Error(`a cycle needs periodSeconds > 0 and 0 <= min <= max: ${JSON.stringify(shape)}`);
      cycle = { shape, startedMs: performance.now() };
      rate = shape.min;
    },
    rate: () => rate,
    receipts: () =>
      new Map([...receipts].map(([id, r]) => [id, { versions: new Set(r.versions), features: new Set(r.features) }])),
    clearReceipts: () => {
      receipts = new Map();
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      agent.destroy();
    },
  };
}

/** A measurement over the next requests sent: they are counted here as well as in the totals. */
interface Window {
  toSend: number;
  outstanding: number;
  counters: Counters;
  done: (counters: Counters) => void;
}

function closeWindow(windows: Window[], window: Window): void {
  windows.splice(windows.indexOf(window), 1);
  window.done(window.counters);
}

function send(
  targetUrl: string,
  user: User,
  agent: Agent,
  into: Counters[],
  receipts: Map<string, Receipt>,
): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      `${targetUrl}/api/checkout`,
      {
        agent,
        timeout: 10_000,
        headers: { 'x-user-id': user.id, 'x-user-tags': user.tags.join(','), 'x-region': user.region, 'x-os': user.os },
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const ms = performance.now() - started;
          for (const c of into)
            count(c, String(res.statusCode), header(res.headers['x-dc']), header(res.headers['x-version']), ms);
          if (res.statusCode === 200) receive(receipts, user.id, res.headers);
          resolve();
        });
      },
    );
    req.once('error', () => {
      for (const c of into) c.failed++;
      resolve();
    });
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

function receive(receipts: Map<string, Receipt>, userId: string, headers: IncomingHttpHeaders): void {
  const receipt = receipts.get(userId) ?? { versions: new Set<string>(), features: new Set<string>() };
  receipt.versions.add(header(headers['x-version']));
  for (const feature of header(headers['x-features']).split(','))
    if (feature && feature !== 'none') receipt.features.add(feature);
  receipts.set(userId, receipt);
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? 'none';

function count(c: Counters, status: string, dc: string, version: string, ms: number): void {
  c.total++;
  c.latencyMsSum += ms;
  c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
  c.byDc[dc] = (c.byDc[dc] ?? 0) + 1;
  c.byVersion[version] = (c.byVersion[version] ?? 0) + 1;
}

function subtract(now: Counters, mark: Counters): Counters {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)])
        .filter(([, v]) => (v as number) > 0),
    );
  return {
    total: now.total - mark.total,
    failed: now.failed - mark.failed,
    latencyMsSum: now.latencyMsSum - mark.latencyMsSum,
    byStatus: diff(now.byStatus, mark.byStatus),
    byDc: diff(now.byDc, mark.byDc),
    byVersion: diff(now.byVersion, mark.byVersion),
  };
}
