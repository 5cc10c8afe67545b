/**
 * The application's load on the lab's MariaDB: 8 clients (by default), each a connection running
 * the shop's transactions on t_user back to back: read a user by id and count the visit (90 %), or
 * sign a user up (10 %). None reads `name`, the column the scenario drops. Each transaction is
 * logged with its latency; one that fails is counted with its error, and the client goes on. A
 * deadlock is retried (up to 3 times) as MySQL asks applications to; the retries are counted.
 */
import mysql from 'mysql2/promise';
import type { DbLoadReport, Transaction } from './db-load.js';

export interface MysqlLoad {
  startedAt: number;
  stop(): Promise<DbLoadReport>;
}

export async function startMysqlLoad(url: string, options: { clients?: number } = {}): Promise<MysqlLoad> {
  const clients = await Promise.all(
    Array.from({ length: options.clients ?? 8 }, () => mysql.createConnection({ uri: url })),
  );
  const [[{ maxId }]] = (await clients[0]!.query('SELECT COALESCE(MAX(id), 1) AS maxId FROM t_user')) as unknown as [
    [{ maxId: number }],
  ];
  const transactions: Transaction[] = [];
  const failures: string[] = [];
  let running = true;
  let deadlocksRetried = 0;
  const loop = async (c: mysql.Connection, client: number) => {
    for (let n = 0, tries = 0; running; n++) {
      const started = Date.now();
      try {
        await c.query('BEGIN');
        if (n % 10 === 9)
          await c.query('INSERT INTO t_user (email, visits) VALUES (?, 0)', [`c${client}-${n}@example.com`]);
        else {
          const id = 1 + Math.floor(Math.random() * Number(maxId));
          await c.query('SELECT email, visits FROM t_user WHERE id = ?', [id]);
          await c.query('UPDATE t_user SET visits = visits + 1 WHERE id = ?', [id]);
        }
        await c.query('COMMIT');
        transactions.push({ endMs: Date.now(), latencyMs: Date.now() - started });
        tries = 0;
      } catch (error) {
        // As MySQL asks ("try restarting transaction"), and as applications do: again, after a short
        // random pause, so two clients that deadlocked do not meet at once again.
        if ((error as { code?: string }).code === 'ER_LOCK_DEADLOCK' && tries < 10) {
          tries++;
          deadlocksRetried++;
          n--; // the same transaction again
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * tries));
          continue;
        }
        tries = 0;
        failures.push(`client ${client}: ${(error as Error).message}`);
        await c.query('ROLLBACK').catch(() => undefined);
        // A lost server fails every query at once: pause, so the loop never starves the event loop.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const loops = clients.map((c, i) => loop(c, i));
  return {
    startedAt: Date.now(),
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end()));
      return { transactions, failures, progress: [], deadlocksRetried };
    },
  };
}
