/**
 * The Store on MongoDB's driver API. It is given a `Db`: the official driver's, or the embedded
 * file-based engine's (same API), so one adapter serves both. Only operations both engines share:
 * documents are found by fields with unique indexes of their own, never by `_id`.
 */
import type { Collection, Db, Document } from 'mongodb';
import { terminalStatuses, type Run } from '../engine/run.js';
import { nextEvent, type ChainEvent, type NewEvent } from '../knowledge/event-chain.js';
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

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;

const uniqueIndexes: Record<string, Record<string, 1>[]> = {
  deliveries: [{ key: 1 }],
  plans: [{ id: 1 }],
  pulls: [{ id: 1 }],
  runs: [{ id: 1 }, { key: 1 }],
  checkpoints: [{ key: 1 }],
  loopStates: [{ key: 1 }],
  approved: [{ id: 1 }],
  leases: [{ key: 1 }],
  locks: [{ key: 1 }],
  events: [{ chain: 1, seq: 1 }],
  incidents: [{ id: 1 }],
  repos: [{ id: 1 }],
};

export class MongoStore implements Store {
  private constructor(
    private readonly db: Db,
    private readonly onClose: () => Promise<void>,
  ) {}

  static async open(db: Db, onClose: () => Promise<void>): Promise<MongoStore> {
    for (const [collection, indexes] of Object.entries(uniqueIndexes)) {
      for (const index of indexes) await db.collection(collection).createIndex(index, { unique: true });
    }
    return new MongoStore(db, onClose);
  }

  private col(name: string): Collection<Document> {
    return this.db.collection(name);
  }

  async handled(key: string): Promise<boolean> {
    return (await this.one('deliveries', { key })) !== undefined;
  }

  async markHandled(key: string): Promise<void> {
    await this.insertOnce('deliveries', { key, at: new Date().toISOString() });
  }

  async pruneDeliveries(before: string): Promise<number> {
    return (await this.col('deliveries').deleteMany({ at: { $lt: before } })).deletedCount ?? 0;
  }

  async savePlanRecord(record: PlanRecord): Promise<void> {
    await this.col('plans').replaceOne({ id: record.id }, record, { upsert: true });
  }

  planRecord(id: string): Promise<PlanRecord | undefined> {
    return this.one<PlanRecord>('plans', { id });
  }

  async savePull(record: PullRecord): Promise<void> {
    await this.col('pulls').replaceOne({ id: record.id }, record, { upsert: true });
  }

  pull(id: string): Promise<PullRecord | undefined> {
    return this.one<PullRecord>('pulls', { id });
  }

  async saveRepo(repo: KnownRepo): Promise<void> {
    await this.col('repos').replaceOne(
      { id: `${repo.owner}/${repo.repo}` },
      { id: `${repo.owner}/${repo.repo}`, ...repo },
      { upsert: true },
    );
  }

  async repos(): Promise<KnownRepo[]> {
    const found = await this.col('repos').find({}).sort({ id: 1 }).toArray();
    return found.map((d) => {
      const { id: _id, ...repo } = strip<KnownRepo & { id: string }>(d);
      return repo;
    });
  }

  approvedState(id: string): Promise<ApprovedState | undefined> {
    return this.one<ApprovedState>('approved', { id });
  }

  async saveApprovedState(
    state: ApprovedState,
    options: { onlyIfNone?: boolean; expect?: string } = {},
  ): Promise<boolean> {
    if (options.onlyIfNone) return this.insertOnce('approved', { ...state });
    if (options.expect === undefined) {
      await this.col('approved').replaceOne({ id: state.id }, state, { upsert: true });
      return true;
    }
    const replaced = await this.col('approved').replaceOne({ id: state.id, sha: options.expect }, state);
    // A branch with no record yet was judged against its first-seen state: record it.
    return (
      replaced.matchedCount === 1 ||
      (!(await this.approvedState(state.id)) && this.insertOnce('approved', { ...state }))
    );
  }

  async createRun(run: Run): Promise<{ run: Run; created: boolean }> {
    if (await this.insertOnce('runs', { ...run })) return { run, created: true };
    return { run: (await this.one<Run>('runs', { key: run.key }))!, created: false };
  }

  run(id: string): Promise<Run | undefined> {
    return this.one<Run>('runs', { id });
  }

  async runs(filter: { repo?: string; pullNumber?: number; mergeSha?: string }): Promise<Run[]> {
    const query: Document = {};
    if (filter.repo) query['repo.repo'] = filter.repo;
    if (filter.pullNumber !== undefined) query.pullNumber = filter.pullNumber;
    if (filter.mergeSha) query.mergeSha = filter.mergeSha;
    return (await this.col('runs').find(query).sort({ createdAt: 1 }).toArray()).map((d) => strip<Run>(d));
  }

  async saveRun(run: Run): Promise<void> {
    const result = await this.col('runs').replaceOne({ id: run.id, version: run.version - 1 }, { ...run });
    if (result.matchedCount !== 1) throw new ConflictError(`run ${run.id} changed since version ${run.version - 1}`);
  }

  async loopState<T>(key: string): Promise<T | undefined> {
    return (await this.one<{ value: T }>('loopStates', { key }))?.value;
  }

  async saveLoopState(key: string, value: unknown): Promise<void> {
    await this.col('loopStates').replaceOne({ key }, { key, value }, { upsert: true });
  }

  async checkpoint<T>(key: string): Promise<T | undefined> {
    return (await this.one<{ value: T }>('checkpoints', { key }))?.value;
  }

  saveCheckpoint(key: string, value: unknown): Promise<boolean> {
    return this.insertOnce('checkpoints', { key, value });
  }

  async lease(key: string, holder: string, until: string, now: string): Promise<boolean> {
    const current = await this.one<{ key: string; holder: string; until: string }>('leases', { key });
    if (!current) return this.insertOnce('leases', { key, holder, until });
    if (current.holder !== holder && current.until > now) return false;
    // Compare-and-set on what was read: of two takers of an expired lease, one wins.
    const replaced = await this.col('leases').replaceOne(
      { key, holder: current.holder, until: current.until },
      { key, holder, until },
    );
    return replaced.matchedCount === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.col('leases').replaceOne({ key, holder }, { key, holder: '', until: '' });
  }

  async activeRuns(): Promise<Run[]> {
    const runs = await this.col('runs')
      .find({ status: { $nin: [...terminalStatuses] } })
      .sort({ createdAt: 1 })
      .toArray();
    return runs.map((d) => strip<Run>(d));
  }

  async acquireLock(key: string, holder: string): Promise<LockState> {
    const locks = this.col('locks');
    await this.insertOnce('locks', { key, queue: [] });
    await locks.updateOne({ key, queue: { $ne: holder } }, { $push: { queue: holder } } as Document);
    const queue = ((await locks.findOne({ key }))!.queue ?? []) as string[];
    const position = queue.indexOf(holder);
    return { held: position === 0, position, holder: queue[0] };
  }

  async releaseLock(key: string, holder: string): Promise<void> {
    await this.col('locks').updateOne({ key }, { $pull: { queue: holder } } as Document);
  }

  async appendEvents(chain: string, events: NewEvent[], at: string): Promise<ChainEvent[]> {
    const appended: ChainEvent[] = [];
    let last: ChainEvent | undefined = await this.lastEvent(chain);
    for (const event of events) {
      for (let attempt = 0; ; attempt++) {
        const next = nextEvent(last, chain, event, at);
        if (await this.insertOnce('events', { ...next })) {
          appended.push(next);
          last = next;
          break;
        }
        if (attempt > 20) throw new ConflictError(`could not append to event chain ${chain}`);
        last = await this.lastEvent(chain); // someone else appended first: link to theirs
      }
    }
    return appended;
  }

  private async lastEvent(chain: string): Promise<ChainEvent | undefined> {
    const found = (await this.col('events').find({ chain }).sort({ seq: -1 }).limit(1).toArray())[0];
    return found && strip<ChainEvent>(found);
  }

  async events(chain: string): Promise<ChainEvent[]> {
    return (await this.col('events').find({ chain }).sort({ seq: 1 }).toArray()).map((d) => strip<ChainEvent>(d));
  }

  async openIncident(fingerprint: string): Promise<Incident | undefined> {
    return this.one<Incident>('incidents', { fingerprint, state: 'open' });
  }

  incident(id: string): Promise<Incident | undefined> {
    return this.one<Incident>('incidents', { id });
  }

  async openIncidents(repo: string): Promise<Incident[]> {
    const found = await this.col('incidents').find({ repo, state: 'open' }).sort({ id: 1 }).toArray();
    return found.map((d) => strip<Incident>(d));
  }

  async incidents(repo: string): Promise<Incident[]> {
    const found = await this.col('incidents').find({ repo }).sort({ id: 1 }).toArray();
    return found.map((d) => strip<Incident>(d));
  }

  async saveIncident(incident: Incident): Promise<void> {
    await this.col('incidents').replaceOne({ id: incident.id }, incident, { upsert: true });
  }

  async closeIncident(id: string): Promise<boolean> {
    const incident = await this.one<Incident>('incidents', { id });
    if (!incident) return false;
    await this.col('incidents').replaceOne({ id }, { ...incident, state: 'closed' });
    return true;
  }

  close(): Promise<void> {
    return this.onClose();
  }

  private async insertOnce(collection: string, doc: Document): Promise<boolean> {
    try {
      await this.col(collection).insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
  }

  private async one<T>(collection: string, filter: Document): Promise<T | undefined> {
    const found = await this.col(collection).findOne(filter);
    return found ? strip<T>(found) : undefined;
  }
}

function strip<T>(doc: Document): T {
  const { _id: _ignored, ...rest } = doc;
  return rest as T;
}
