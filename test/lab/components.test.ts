/** Each lab component starts, is really ready, and stops leaving no process behind. */
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { startLab } from '../../lab/lab.js';
import { defaultLabService } from '../../lab/service-shape.js';
import { alive } from '../support/lab.js';

jest.setTimeout(90_000);

describe('lab components', () => {
  it('starts redis and postgres (seeded), and stops them by PID', async () => {
    const lab = await startLab({ components: ['redis', 'postgres'], seedRows: 5000 });
    const pids = lab.pids();
    expect(pids).toHaveLength(2);
    expect(alive(pids)).toEqual(pids);
    const client = new pg.Client({ connectionString: lab.postgres!.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT count(*)::int AS n, bool_and(column_1::jsonb ? 'tier') AS json FROM user_profile",
    );
    await client.end();
    expect(rows[0]).toEqual({ n: 5000, json: true });
    await lab.stop();
    expect(alive(pids)).toEqual([]);
    expect(existsSync(lab.dir)).toBe(false);
  });

  it('runs two labs at once without port clashes', async () => {
    const [one, two] = await Promise.all([
      startLab({ components: ['haproxy', 'redis'], service: defaultLabService(undefined, 1) }),
      startLab({ components: ['haproxy', 'redis'], service: defaultLabService(undefined, 1) }),
    ]);
    expect(one.haproxy!.url).not.toEqual(two.haproxy!.url);
    expect(one.redis!.port).not.toEqual(two.redis!.port);
    for (const lab of [one, two]) expect((await fetch(`${lab.haproxy!.url}/`)).status).toBe(200);
    const pids = [...one.pids(), ...two.pids()];
    await Promise.all([one.stop(), two.stop()]);
    expect(alive(pids)).toEqual([]);
  });

  it('names the component that failed and shows the end of its log', async () => {
    // A datacenter name with a space makes a HAProxy configuration HAProxy refuses.
    const error = await startLab({ components: ['haproxy'], service: defaultLabService(['dc x'], 1) }).catch(
      (e: Error) => e,
    );
    expect(String(error)).toMatch(
      /^Error: lab: haproxy: exited before it was ready \(answer on its admin socket\)\n--- last lines of .*haproxy\.log ---\n[\s\S]*ALERT/,
    );
  });
});
