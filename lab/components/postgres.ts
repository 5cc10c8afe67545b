/**
 * PostgreSQL initialised into the lab directory, with a `shop` database whose `user_profile` table
 * is seeded with rows whose `column_1` holds JSON-like text (the schema-change scenario's table).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../ports.js';
import { LabError, type ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

export interface PostgresComponent {
  url: string;
  port: number;
  pid: number;
  database: string;
}

export async function startPostgres(
  group: ProcessGroup,
  dir: string,
  seedRows: number,
  settings: Record<string, string> = {},
): Promise<PostgresComponent> {
  const bin = postgresBin();
  const data = join(dir, 'pg');
  const owner = unprivilegedOwner();
  mkdirSync(data, { mode: 0o700 });
  if (owner) chownSync(data, owner.uid, owner.gid);
  if (owner) chownSync(dir, owner.uid, owner.gid); // the server writes its socket and log here
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { stdio: 'pipe', ...asOwner },
    );
  } catch (error) {
    throw new LabError('postgres', `initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? error}`);
  }
  const port = await freePort();
  const started = group.spawn('postgres', join(bin, 'postgres'), {
    args: [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    ...asOwner,
  });
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntil(started, () => canConnect(admin), `accept connections on port ${port}`);
  const url = `postgres://postgres@127.0.0.1:${port}/shop`;
  await seed(admin, url, seedRows);
  return { url, port, pid: started.pid, database: 'shop' };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function seed(adminUrl: string, shopUrl: string, rows: number): Promise<void> {
  await withClient(adminUrl, (c) => c.query('CREATE DATABASE shop'));
  await withClient(shopUrl, async (c) => {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.query(
      'CREATE TABLE user_profile (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, column_1 text)',
    );
    await c.query(
      `INSERT INTO user_profile (name, email, column_1)
      SELECT 'user ' || g, 'user' || g || '@example.com',
             json_build_object('tier', (ARRAY['free','plus','pro'])[1 + g % 3], 'score', g % 100, 'tags', json_build_array('t' || g % 7))::text
      FROM generate_series(1, $1::int) AS g`,
      [rows],
    );
    await c.query('ANALYZE user_profile');
  });
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The newest PostgreSQL server binaries Debian installed. */
export function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new LabError('postgres', 'no server in /usr/lib/postgresql: run lab/bootstrap');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user. */
function unprivilegedOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new LabError('postgres', 'running as root, but there is no postgres user to run the server as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
