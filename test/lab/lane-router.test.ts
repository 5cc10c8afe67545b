/**
 * The lane router in a real HAProxy agrees with ZeroOps' own membership for every user of the load
 * generator's population; a route table replaced at run time moves nobody between lanes as a lane
 * grows; and the table survives a restart of HAProxy.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { population, type User } from '../../lab/components/load-generator.js';
import { freePort } from '../../lab/ports.js';
import { ProcessGroup } from '../../lab/processes.js';
import { waitUntil } from '../../lab/wait.js';
import { saltOf } from '../../src/lanes/buckets.js';
import { laneForUser, type RoutedLane } from '../../src/lanes/membership.js';
import { routeTable } from '../../src/lanes/route-table.js';
import { storyLanes } from '../support/story-lanes.js';
import { AdminSocket } from '../../src/providers/haproxy/admin-socket.js';
import { laneFrontendRules, laneRouterPath } from '../../src/providers/haproxy/lane-routing-config.js';
import { replaceMap } from '../../src/providers/haproxy/route-table-writer.js';

jest.setTimeout(60_000);

const salt = saltOf('checkout');
const dir = mkdtempSync(join(tmpdir(), 'zeroops-lane-router-'));
const group = new ProcessGroup(dir);
const mapPath = join(dir, 'lanes.map');
const socket = join(dir, 'admin.sock');
let url: string;

/** HAProxy answers each request with the backend the router chose ("stable" when none). */
async function startHAProxy(): Promise<void> {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  const config = [
    'global',
    `  lua-load ${laneRouterPath}`,
    `  stats socket ${socket} level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend checkout',
    `  bind 127.0.0.1:${port}`,
    ...laneFrontendRules({ salt, routeTable: mapPath, slots: 4 }).filter((line) => !line.startsWith('use_backend')),
    '  http-request return status 200 content-type text/plain lf-string "%[var(txn.zeroops_backend)]"',
    // One backend per lane with a server (unchecked, so usable): the router sends no one to an empty one.
    ...lanesAt(100, 100).flatMap((lane) => [`backend ${lane.lane}`, '  server s 127.0.0.1:9']),
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), `${config.replace(/^http-request/gm, '  http-request')}\n`);
  const started = group.spawn('haproxy', 'haproxy', { args: ['-f', join(dir, 'haproxy.cfg'), '-db'] });
  await waitUntil(started, async () => (await fetch(url)).ok, 'answer through its frontend');
}

const headers = (user: User) => ({
  'x-user-id': user.id,
  'x-user-tags': user.tags.join(','),
  'x-region': user.region,
  'x-os': user.os,
});

async function routedByHAProxy(users: User[]): Promise<Map<string, string>> {
  const answers = await Promise.all(
    users.map(
      async (user) => [user.id, (await (await fetch(url, { headers: headers(user) })).text()) || 'stable'] as const,
    ),
  );
  return new Map(answers);
}

const expected = (users: User[], lanes: RoutedLane[]) =>
  new Map(users.map((user) => [user.id, laneForUser(user, lanes, salt)?.lane ?? 'stable']));

const users = population(1000, 42);
const lanesAt = (v11: number, v12: number): RoutedLane[] => [
  ...storyLanes(v11, v12),
  {
    lane: 'web',
    features: ['D'],
    segment: { os: { web: '*', android: '>=14 <15' }, exclude: { userTags: ['internal', 'beta'] } },
    range: { from: 5000, to: 9999 },
    percent: 30,
  },
];
const install = (lanes: RoutedLane[]) =>
  replaceMap(
    socket,
    mapPath,
    routeTable(lanes, (lane) => lane.lane),
  );

beforeAll(async () => {
  writeFileSync(mapPath, '');
  await startHAProxy();
});
afterAll(() => group.stopAll());

describe('the lane router in HAProxy', () => {
  it('sends every user where ZeroOps would: tags, regions, OS ranges, buckets and exclusions', async () => {
    const lanes = lanesAt(20, 50);
    await install(lanes);
    const routed = await routedByHAProxy(users);
    expect(routed).toEqual(expected(users, lanes));
    const counts = [...routed.values()].reduce(
      (c, lane) => c.set(lane, (c.get(lane) ?? 0) + 1),
      new Map<string, number>(),
    );
    // Every lane serves someone, and most users stay on the stable version.
    for (const lane of ['v1-1', 'v1-2', 'web']) expect(counts.get(lane)).toBeGreaterThan(5);
    expect(counts.get('stable')).toBeGreaterThan(700);
  });

  it('moves nobody between lanes as v1.1 grows, atomically, and only adds users to it', async () => {
    await install(lanesAt(20, 50));
    const before = await routedByHAProxy(users);
    const admin = new AdminSocket(socket);
    await install(lanesAt(60, 50));
    const after = await routedByHAProxy(users);
    expect(after).toEqual(expected(users, lanesAt(60, 50)));
    const moved = users.filter((u) => before.get(u.id) !== 'stable' && before.get(u.id) !== after.get(u.id));
    expect(moved).toEqual([]);
    const joined = users.filter((u) => before.get(u.id) === 'stable' && after.get(u.id) === 'v1-1');
    expect(joined.length).toBeGreaterThan(10);
    expect((await admin.send(`show map ${mapPath}`)).match(/ lane\d+ b=/g)).toHaveLength(3);
  });

  it('comes back with the same table after HAProxy restarts', async () => {
    await install(lanesAt(35, 50));
    const before = await routedByHAProxy(users);
    await group.stopAll();
    await startHAProxy();
    expect(await routedByHAProxy(users)).toEqual(before);
  });
});
