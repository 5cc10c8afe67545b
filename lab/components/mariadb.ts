/**
 * MariaDB initialised into the lab directory, with a `shop` database whose `t_user` table is seeded
 * (the MySQL schema-change scenario's table: `ALTER TABLE t_user DROP COLUMN name`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../ports.js';
import { LabError, type ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

export interface MariadbComponent {
  /** mysql://root@127.0.0.1:<port>/shop (root has no password: the server listens on loopback only). */
  url: string;
  port: number;
  pid: number;
  database: string;
}

const serverBinary = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find(existsSync);

export async function startMariadb(group: ProcessGroup, dir: string, seedRows: number): Promise<MariadbComponent> {
  if (!serverBinary) throw new LabError('mariadb', 'no mariadbd in /usr/sbin: run lab/bootstrap');
  const data = join(dir, 'mariadb');
  mkdirSync(data);
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  try {
    execFileSync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new LabError('mariadb', `mariadb-install-db failed: ${(error as { stderr?: Buffer }).stderr ?? error}`);
  }
  const port = await freePort();
  const started = group.spawn('mariadb', serverBinary, {
    args: [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${join(dir, 'mariadb.sock')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=200',
      ...asRoot,
    ],
  });
  const admin = `mysql://root@127.0.0.1:${port}/`;
  await waitUntil(started, () => canConnect(admin), `accept connections on port ${port}`);
  const url = `mysql://root@127.0.0.1:${port}/shop`;
  await seed(admin, rowsOrDefault(seedRows));
  return { url, port, pid: started.pid, database: 'shop' };
}

const rowsOrDefault = (rows: number) => Math.max(0, Math.floor(rows));

async function canConnect(url: string): Promise<boolean> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
  await connection.end();
  return true;
}

async function seed(adminUrl: string, rows: number): Promise<void> {
  const c = await mysql.createConnection({ uri: adminUrl, multipleStatements: true });
  try {
    await c.query(
      `CREATE DATABASE shop;
       CREATE TABLE shop.t_user (
         id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
         name varchar(64) DEFAULT NULL,
         email varchar(128) NOT NULL,
         visits int NOT NULL DEFAULT 0
       ) ENGINE=InnoDB`,
    );
    // MariaDB's sequence engine (seq_1_to_N, in the current database) makes the rows in one statement.
    await c.query('USE shop');
    if (rows > 0)
      await c.query(
        `INSERT INTO shop.t_user (name, email, visits)
         SELECT CONCAT('user ', seq), CONCAT('user', seq, '@example.com'), seq % 100 FROM seq_1_to_${rows}`,
      );
  } finally {
    await c.end();
  }
}
