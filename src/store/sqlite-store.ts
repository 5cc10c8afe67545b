/**
 * The Store on SQLite (better-sqlite3) in WAL mode: the embedded default. Every compare-and-set is
 * a statement or a transaction, and uniqueness is a key of the table, so `zeroops start` and
 * several `zeroops worker` processes can share one file on one machine. Documents are kept as JSON.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

const schema = `
  CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_time ON deliveries (at);
  CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id));
  CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, repo TEXT NOT NULL, pull_number INTEGER NOT NULL,
    merge_sha TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
  CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, holder TEXT NOT NULL, until TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS lock_queue (key TEXT NOT NULL, holder TEXT NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT, UNIQUE (key, holder));
  CREATE TABLE IF NOT EXISTS events (chain TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (chain, seq));
  CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL);
`;

const parse = <T>(row: { doc: string } | undefined): T | undefined => (row ? (JSON.parse(row.doc) as T) : undefined);

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Another process holding the write lock makes us wait for it, not fail.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(schema);
  }

  async handled(key: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM deliveries WHERE key = ?').get(key) !== undefined;
  }

  async markHandled(key: string): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO deliveries (key, at) VALUES (?, ?)').run(key, new Date().toISOString());
  }

  async pruneDeliveries(before: string): Promise<number> {
    return this.db.prepare('DELETE FROM deliveries WHERE at < ?').run(before).changes;
  }

  async savePlanRecord(record: PlanRecord): Promise<void> {
    this.put('plan', record.id, record);
  }

  async planRecord(id: string): Promise<PlanRecord | undefined> {
    return this.get<PlanRecord>('plan', id);
  }

  async savePull(record: PullRecord): Promise<void> {
    this.put('pull', record.id, record);
  }

  async pull(id: string): Promise<PullRecord | undefined> {
    return this.get<PullRecord>('pull', id);
  }

  async saveRepo(repo: KnownRepo): Promise<void> {
    this.put('repo', `${repo.owner}/${repo.repo}`, repo);
  }

  async repos(): Promise<KnownRepo[]> {
    const rows = this.db.prepare("SELECT doc FROM documents WHERE kind = 'repo' ORDER BY id").all() as {
      doc: string;
    }[];
    return rows.map((r) => parse<KnownRepo>(r)!);
  }

  async approvedState(id: string): Promise<ApprovedState | undefined> {
    return this.get<ApprovedState>('approved', id);
  }

  async saveApprovedState(
    state: ApprovedState,
    options: { onlyIfNone?: boolean; expect?: string } = {},
  ): Promise<boolean> {
    return this.db
      .transaction(() => {
        const current = this.get<ApprovedState>('approved', state.id);
        if (options.onlyIfNone && current) return false;
        if (options.expect !== undefined && current && current.sha !== options.expect) return false;
        this.put('approved', state.id, state);
        return true;
      })
      .immediate();
  }

  async lease(key: string, holder: string, until: string, now: string): Promise<boolean> {
    const taken = this.db
      .prepare(
        `INSERT INTO leases (key, holder, until) VALUES (@key, @holder, @until)
      ON CONFLICT (key) DO UPDATE SET holder = @holder, until = @until WHERE leases.holder = @holder OR leases.until <= @now`,
      )
      .run({ key, holder, until, now });
    return taken.changes === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE key = ? AND holder = ?').run(key, holder);
  }

  async activeRuns(): Promise<Run[]> {
    const placeholders = terminalStatuses.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT doc FROM runs WHERE status NOT IN (${placeholders}) ORDER BY created_at`)
      .all(...terminalStatuses) as { doc: string }[];
    return rows.map((r) => parse<Run>(r)!);
  }

  async createRun(run: Run): Promise<{ run: Run; created: boolean }> {
    const inserted = this.db
      .prepare(
        `INSERT OR IGNORE INTO runs (id, key, repo, pull_number, merge_sha, status, version, created_at, doc)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.key,
        run.repo.repo,
        run.pullNumber,
        run.mergeSha,
        run.status,
        run.version,
        run.createdAt,
        JSON.stringify(run),
      );
    if (inserted.changes === 1) return { run, created: true };
    return {
      run: parse<Run>(this.db.prepare('SELECT doc FROM runs WHERE key = ?').get(run.key) as { doc: string })!,
      created: false,
    };
  }

  async run(id: string): Promise<Run | undefined> {
    return parse<Run>(this.db.prepare('SELECT doc FROM runs WHERE id = ?').get(id) as { doc: string } | undefined);
  }

  async runs(filter: { repo?: string; pullNumber?: number; mergeSha?: string }): Promise<Run[]> {
    const rows = this.db
      .prepare(
        `SELECT doc FROM runs WHERE (@repo IS NULL OR repo = @repo) AND (@pull IS NULL OR pull_number = @pull)
      AND (@merge IS NULL OR merge_sha = @merge) ORDER BY created_at`,
      )
      .all({ repo: filter.repo ?? null, pull: filter.pullNumber ?? null, merge: filter.mergeSha ?? null }) as {
      doc: string;
    }[];
    return rows.map((r) => parse<Run>(r)!);
  }

  async saveRun(run: Run): Promise<void> {
    const saved = this.db
      .prepare('UPDATE runs SET status = ?, version = ?, doc = ? WHERE id = ? AND version = ?')
      .run(run.status, run.version, JSON.stringify(run), run.id, run.version - 1);
    if (saved.changes !== 1) throw new ConflictError(`run ${run.id} changed since version ${run.version - 1}`);
  }

  async checkpoint<T>(key: string): Promise<T | undefined> {
    const row = this.db.prepare('SELECT value FROM checkpoints WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async loopState<T>(key: string): Promise<T | undefined> {
    return this.get<T>('loop-state', key);
  }

  async saveLoopState(key: string, value: unknown): Promise<void> {
    this.put('loop-state', key, value);
  }

  async saveCheckpoint(key: string, value: unknown): Promise<boolean> {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO checkpoints (key, value) VALUES (?, ?)')
        .run(key, JSON.stringify(value ?? null)).changes === 1
    );
  }

  async acquireLock(key: string, holder: string): Promise<LockState> {
    return this.db
      .transaction(() => {
        this.db.prepare('INSERT OR IGNORE INTO lock_queue (key, holder) VALUES (?, ?)').run(key, holder);
        const queue = (
          this.db.prepare('SELECT holder FROM lock_queue WHERE key = ? ORDER BY seq').all(key) as { holder: string }[]
        ).map((r) => r.holder);
        const position = queue.indexOf(holder);
        return { held: position === 0, position, holder: queue[0] };
      })
      .immediate();
  }

  async releaseLock(key: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM lock_queue WHERE key = ? AND holder = ?').run(key, holder);
  }

  async appendEvents(chain: string, events: NewEvent[], at: string): Promise<ChainEvent[]> {
    // One transaction: the chain's head is read and extended with no other writer in between.
    return this.db
      .transaction(() => {
        let last = parse<ChainEvent>(
          this.db.prepare('SELECT doc FROM events WHERE chain = ? ORDER BY seq DESC LIMIT 1').get(chain) as
            { doc: string } | undefined,
        );
        const appended: ChainEvent[] = [];
        for (const event of events) {
          const next = nextEvent(last, chain, event, at);
          this.db
            .prepare('INSERT INTO events (chain, seq, doc) VALUES (?, ?, ?)')
            .run(chain, next.seq, JSON.stringify(next));
          appended.push(next);
          last = next;
        }
        return appended;
      })
      .immediate();
  }

  async events(chain: string): Promise<ChainEvent[]> {
    return (this.db.prepare('SELECT doc FROM events WHERE chain = ? ORDER BY seq').all(chain) as { doc: string }[]).map(
      (r) => parse<ChainEvent>(r)!,
    );
  }

  async openIncident(fingerprint: string): Promise<Incident | undefined> {
    return parse<Incident>(
      this.db.prepare("SELECT doc FROM incidents WHERE fingerprint = ? AND state = 'open'").get(fingerprint) as
        { doc: string } | undefined,
    );
  }

  async incident(id: string): Promise<Incident | undefined> {
    return parse<Incident>(
      this.db.prepare('SELECT doc FROM incidents WHERE id = ?').get(id) as { doc: string } | undefined,
    );
  }

  async openIncidents(repo: string): Promise<Incident[]> {
    const rows = this.db.prepare("SELECT doc FROM incidents WHERE state = 'open' ORDER BY id").all() as {
      doc: string;
    }[];
    return rows.map((r) => parse<Incident>(r)!).filter((i) => i.repo === repo);
  }

  async incidents(repo: string): Promise<Incident[]> {
    const rows = this.db
      .prepare("SELECT doc FROM incidents WHERE json_extract(doc, '$.repo') = ? ORDER BY id")
      .all(repo);
    return (rows as { doc: string }[]).map((r) => parse<Incident>(r)!);
  }

  async saveIncident(incident: Incident): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO incidents (id, fingerprint, state, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, state = excluded.state, doc = excluded.doc',
      )
      .run(incident.id, incident.fingerprint, incident.state, JSON.stringify(incident));
  }

  async closeIncident(id: string): Promise<boolean> {
    const incident = parse<Incident>(
      this.db.prepare('SELECT doc FROM incidents WHERE id = ?').get(id) as { doc: string } | undefined,
    );
    if (!incident) return false;
    await this.saveIncident({ ...incident, state: 'closed' });
    return true;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private put(kind: string, id: string, doc: unknown): void {
    this.db
      .prepare(
        'INSERT INTO documents (kind, id, doc) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc',
      )
      .run(kind, id, JSON.stringify(doc));
  }

  private get<T>(kind: string, id: string): T | undefined {
    return parse<T>(
      this.db.prepare('SELECT doc FROM documents WHERE kind = ? AND id = ?').get(kind, id) as
        { doc: string } | undefined,
    );
  }
}
