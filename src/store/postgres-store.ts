/**
 * The Store on PostgreSQL (`pg`), for ZeroOps on several machines. Compare-and-set is a conditional
 * UPDATE, uniqueness is a key of the table, and what must read and write with no writer in between
 * (a lock queue, an event chain's head) runs in a transaction under an advisory lock on its key.
 */
import pg from 'pg';
import { terminalStatuses, type Run } from '../engine/run.js';
import {
  ConflictError,
  type ApprovedState,
  type Incident,
  type KnownRepo,
  type LockState,
  type PlanRecord,
  type PullRecord,
  type Store,
} from '../engine/store.js';
import { nextEvent, type ChainEvent, type NewEvent } from '../knowledge/event-chain.js';
import { checkSchemaName, createTables } from './postgres-schema.js';

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

export class PostgresStore implements Store {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
  ) {}

  /** Connects, and creates the tables in `schema` (default `zeroops`) when they are missing. */
  static async open(url: string, schema = 'zeroops'): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server drops (a restart) must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await createTables(pool, checkSchemaName(schema));
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool, schema);
  }

  private q: Query = (text, values) => this.pool.query(text, values);

  async handled(key: string): Promise<boolean> {
    return (await this.q(`SELECT 1 FROM ${this.s}.deliveries WHERE key = $1`, [key])).rowCount === 1;
  }

  async markHandled(key: string): Promise<void> {
    await this.q(`INSERT INTO ${this.s}.deliveries (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      key,
      new Date().toISOString(),
    ]);
  }

  async pruneDeliveries(before: string): Promise<number> {
    return (await this.q(`DELETE FROM ${this.s}.deliveries WHERE at < $1`, [before])).rowCount ?? 0;
  }

  async savePlanRecord(record: PlanRecord): Promise<void> {
    await this.put('plan', record.id, record);
  }

  planRecord(id: string): Promise<PlanRecord | undefined> {
    return this.get<PlanRecord>('plan', id);
  }

  async savePull(record: PullRecord): Promise<void> {
    await this.put('pull', record.id, record);
  }

  pull(id: string): Promise<PullRecord | undefined> {
    return this.get<PullRecord>('pull', id);
  }

  async saveRepo(repo: KnownRepo): Promise<void> {
    await this.put('repo', `${repo.owner}/${repo.repo}`, repo);
  }

  repos(): Promise<KnownRepo[]> {
    return this.docs<KnownRepo>(`SELECT doc FROM ${this.s}.documents WHERE kind = 'repo' ORDER BY id`, []);
  }

  approvedState(id: string): Promise<ApprovedState | undefined> {
    return this.get<ApprovedState>('approved', id);
  }

  async saveApprovedState(
    state: ApprovedState,
    options: { onlyIfNone?: boolean; expect?: string } = {},
  ): Promise<boolean> {
    const insert = `INSERT INTO ${this.s}.documents (kind, id, doc) VALUES ('approved', $1, $2)`;
    if (options.onlyIfNone) return (await this.q(`${insert} ON CONFLICT DO NOTHING`, [state.id, state])).rowCount === 1;
    if (options.expect === undefined) {
      await this.put('approved', state.id, state);
      return true;
    }
    const moved = await this.q(
      `UPDATE ${this.s}.documents SET doc = $2 WHERE kind = 'approved' AND id = $1 AND doc->>'sha' = $3`,
      [state.id, state, options.expect],
    );
    if (moved.rowCount === 1) return true;
    // A branch with no record yet was judged against its first-seen state: record it.
    return (await this.q(`${insert} ON CONFLICT DO NOTHING`, [state.id, state])).rowCount === 1;
  }

  async createRun(run: Run): Promise<{ run: Run; created: boolean }> {
    const inserted = await this.q(
      `INSERT INTO ${this.s}.runs (id, key, repo, pull_number, merge_sha, status, version, created_at, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [run.id, run.key, run.repo.repo, run.pullNumber, run.mergeSha, run.status, run.version, run.createdAt, run],
    );
    if (inserted.rowCount === 1) return { run, created: true };
    return {
      run: (await this.docs<Run>(`SELECT doc FROM ${this.s}.runs WHERE key = $1`, [run.key]))[0]!,
      created: false,
    };
  }

  async run(id: string): Promise<Run | undefined> {
    return (await this.docs<Run>(`SELECT doc FROM ${this.s}.runs WHERE id = $1`, [id]))[0];
  }

  runs(filter: { repo?: string; pullNumber?: number; mergeSha?: string }): Promise<Run[]> {
    return this.docs<Run>(
      `SELECT doc FROM ${this.s}.runs WHERE ($1::text IS NULL OR repo = $1) AND ($2::int IS NULL OR pull_number = $2)
       AND ($3::text IS NULL OR merge_sha = $3) ORDER BY created_at, id`,
      [filter.repo ?? null, filter.pullNumber ?? null, filter.mergeSha ?? null],
    );
  }

  async saveRun(run: Run): Promise<void> {
    const saved = await this.q(
      `UPDATE ${this.s}.runs SET status = $1, version = $2, doc = $3 WHERE id = $4 AND version = $5`,
      [run.status, run.version, run, run.id, run.version - 1],
    );
    if (saved.rowCount !== 1) throw new ConflictError(`run ${run.id} changed since version ${run.version - 1}`);
  }

  activeRuns(): Promise<Run[]> {
    return this.docs<Run>(`SELECT doc FROM ${this.s}.runs WHERE NOT (status = ANY($1)) ORDER BY created_at, id`, [
      terminalStatuses,
    ]);
  }

  async loopState<T>(key: string): Promise<T | undefined> {
    return this.get<T>('loop-state', key);
  }

  async saveLoopState(key: string, value: unknown): Promise<void> {
    await this.put('loop-state', key, value);
  }

  async checkpoint<T>(key: string): Promise<T | undefined> {
    const row = (await this.q(`SELECT value FROM ${this.s}.checkpoints WHERE key = $1`, [key])).rows[0];
    return row ? (row.value as T) : undefined;
  }

  async saveCheckpoint(key: string, value: unknown): Promise<boolean> {
    const saved = await this.q(
      `INSERT INTO ${this.s}.checkpoints (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [key, JSON.stringify(value ?? null)],
    );
    return saved.rowCount === 1;
  }

  async lease(key: string, holder: string, until: string, now: string): Promise<boolean> {
    const taken = await this.q(
      `INSERT INTO ${this.s}.leases AS l (key, holder, until) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET holder = $2, until = $3 WHERE l.holder = $2 OR l.until <= $4`,
      [key, holder, until, now],
    );
    return taken.rowCount === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.q(`DELETE FROM ${this.s}.leases WHERE key = $1 AND holder = $2`, [key, holder]);
  }

  acquireLock(key: string, holder: string): Promise<LockState> {
    return this.transaction(key, async (q) => {
      await q(`INSERT INTO ${this.s}.lock_queue (key, holder) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [key, holder]);
      const queue = (await q(`SELECT holder FROM ${this.s}.lock_queue WHERE key = $1 ORDER BY seq`, [key])).rows.map(
        (r) => r.holder as string,
      );
      const position = queue.indexOf(holder);
      return { held: position === 0, position, holder: queue[0] };
    });
  }

  async releaseLock(key: string, holder: string): Promise<void> {
    await this.q(`DELETE FROM ${this.s}.lock_queue WHERE key = $1 AND holder = $2`, [key, holder]);
  }

  appendEvents(chain: string, events: NewEvent[], at: string): Promise<ChainEvent[]> {
    return this.transaction(`chain/${chain}`, async (q) => {
      const head = await q(`SELECT doc FROM ${this.s}.events WHERE chain = $1 ORDER BY seq DESC LIMIT 1`, [chain]);
      let last = head.rows[0]?.doc as ChainEvent | undefined;
      const appended: ChainEvent[] = [];
      for (const event of events) {
        const next = nextEvent(last, chain, event, at);
        await q(`INSERT INTO ${this.s}.events (chain, seq, doc) VALUES ($1, $2, $3)`, [chain, next.seq, next]);
        appended.push(next);
        last = next;
      }
      return appended;
    });
  }

  events(chain: string): Promise<ChainEvent[]> {
    return this.docs<ChainEvent>(`SELECT doc FROM ${this.s}.events WHERE chain = $1 ORDER BY seq`, [chain]);
  }

  async openIncident(fingerprint: string): Promise<Incident | undefined> {
    const sql = `SELECT doc FROM ${this.s}.incidents WHERE fingerprint = $1 AND state = 'open' LIMIT 1`;
    return (await this.docs<Incident>(sql, [fingerprint]))[0];
  }

  async incident(id: string): Promise<Incident | undefined> {
    return (await this.docs<Incident>(`SELECT doc FROM ${this.s}.incidents WHERE id = $1`, [id]))[0];
  }

  openIncidents(repo: string): Promise<Incident[]> {
    return this.docs<Incident>(
      `SELECT doc FROM ${this.s}.incidents WHERE state = 'open' AND doc->>'repo' = $1 ORDER BY id`,
      [repo],
    );
  }

  incidents(repo: string): Promise<Incident[]> {
    return this.docs<Incident>(`SELECT doc FROM ${this.s}.incidents WHERE doc->>'repo' = $1 ORDER BY id`, [repo]);
  }

  async saveIncident(incident: Incident): Promise<void> {
    await this.q(
      `INSERT INTO ${this.s}.incidents (id, fingerprint, state, doc) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, doc = EXCLUDED.doc`,
      [incident.id, incident.fingerprint, incident.state, incident],
    );
  }

  async closeIncident(id: string): Promise<boolean> {
    const closed = await this.q(
      `UPDATE ${this.s}.incidents SET state = 'closed', doc = jsonb_set(doc, '{state}', '"closed"') WHERE id = $1`,
      [id],
    );
    return closed.rowCount === 1;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async put(kind: string, id: string, doc: unknown): Promise<void> {
    await this.q(
      `INSERT INTO ${this.s}.documents (kind, id, doc) VALUES ($1, $2, $3)
       ON CONFLICT (kind, id) DO UPDATE SET doc = EXCLUDED.doc`,
      [kind, id, doc],
    );
  }

  private async get<T>(kind: string, id: string): Promise<T | undefined> {
    return (await this.docs<T>(`SELECT doc FROM ${this.s}.documents WHERE kind = $1 AND id = $2`, [kind, id]))[0];
  }

  private async docs<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.q(text, values)).rows.map((r) => r.doc as T);
  }

  /** One transaction, serialised with every other on the same key (an advisory lock until it ends). */
  private async transaction<T>(key: string, work: (q: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q: Query = (text, values) => client.query(text, values);
    try {
      await q('BEGIN');
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.s}/${key}`]);
      const result = await work(q);
      await q('COMMIT');
      return result;
    } catch (error) {
      await q('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
