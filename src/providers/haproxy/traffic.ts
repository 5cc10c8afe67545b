/**
 * Traffic through HAProxy's runtime API. Every change is an `ensure`: read the current value, send
 * a command only when it differs, so a retried step sends nothing twice. What was set is persisted
 * (and journalled), with the run that set it, because runtime changes are lost when HAProxy reloads:
 * `reapplyIfReloaded()` restores them while that run still holds its lock, and forgets a setting a
 * person has since changed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdminSocket, HAProxyAdminError } from './admin-socket.js';

export type ServerState = 'ready' | 'drain' | 'maint';

/** A setting ZeroOps made, and the run that made it (none when made outside a run). */
interface Setting<T> {
  value: T;
  owner?: string;
}

interface Persisted {
  /** The HAProxy process the settings were made on: another one means a reload lost them. */
  pid?: number;
  weights: Record<string, Setting<number>>;
  states: Record<string, Setting<ServerState>>;
  maps: Record<string, Record<string, Setting<string | null>>>;
}

/** Whether the run that made a setting still holds its lock (its setting still matters). */
export type StillOwned = (owner: string) => Promise<boolean>;

export class HAProxyTraffic {
  private readonly admin: AdminSocket;

  constructor(
    socket: string,
    private readonly statePath: string,
  ) {
    this.admin = new AdminSocket(socket);
  }

  async weight(backend: string, server: string): Promise<number> {
    const answer = await this.admin.send(`get weight ${backend}/${server}`);
    const match = /^(\d+) \(initial \d+\)/.exec(answer);
    if (!match) throw new HAProxyAdminError(`haproxy: no weight for ${backend}/${server}: ${answer.trim()}`);
    return Number(match[1]);
  }

  /** Returns true when it had to change something. */
  async ensureWeight(backend: string, server: string, weight: number, owner?: string): Promise<boolean> {
    if ((await this.weight(backend, server)) === weight) return false;
    await this.run(`set weight ${backend}/${server} ${weight}`);
    await this.persist((s) => {
      s.weights[`${backend}/${server}`] = { value: weight, owner };
    });
    return true;
  }

  async serverState(backend: string, server: string): Promise<ServerState> {
    const answer = await this.admin.send(`show servers state ${backend}`);
    const row = answer
      .split('\n')
      .map((l) => l.split(' '))
      .find((f) => f[1] === backend && f[3] === server);
    if (!row) throw new HAProxyAdminError(`haproxy: no server ${backend}/${server}`);
    const admin = Number(row[6]);
    if (admin & 0x01 || admin & 0x02 || admin & 0x20) return 'maint';
    if (admin & 0x08 || admin & 0x10) return 'drain';
    return 'ready';
  }

  async ensureServerState(backend: string, server: string, state: ServerState, owner?: string): Promise<boolean> {
    if ((await this.serverState(backend, server)) === state) return false;
    await this.run(`set server ${backend}/${server} state ${state}`);
    await this.persist((s) => {
      s.states[`${backend}/${server}`] = { value: state, owner };
    });
    return true;
  }

  async mapEntries(map: string): Promise<Record<string, string>> {
    const answer = await this.admin.send(`show map ${map}`);
    return Object.fromEntries(
      answer
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' '))
        .filter((f) => f.length >= 3)
        .map((f) => [f[1]!, f.slice(2).join(' ')]),
    );
  }

  /** Route `key` to `value` in a map; null removes the entry. */
  async ensureMapEntry(map: string, key: string, value: string | null, owner?: string): Promise<boolean> {
    const entries = await this.mapEntries(map);
    if ((entries[key] ?? null) === value) return false;
    if (value === null) await this.run(`del map ${map} ${key}`);
    else await this.run(`${key in entries ? 'set' : 'add'} map ${map} ${key} ${value}`);
    await this.persist((s) => {
      (s.maps[map] ??= {})[key] = { value, owner };
    });
    return true;
  }

  /**
   * Before a change: forget the settings whose run has finished, and those a person changed since
   * (on the same HAProxy process); after a reload, put back the rest. Returns the changes made.
   */
  async reapplyIfReloaded(stillOwned: StillOwned = async () => true): Promise<number> {
    const state = this.load();
    const reloaded = state.pid !== undefined && state.pid !== (await this.processId());
    const keep = async (setting: Setting<unknown>, current: () => Promise<unknown>) =>
      (!setting.owner || (await stillOwned(setting.owner))) && (reloaded || (await current()) === setting.value);
    await this.forget(state, keep);
    return reloaded ? this.reapply() : 0;
  }

  private async processId(): Promise<number> {
    return Number(/^Pid: (\d+)/m.exec(await this.admin.send('show info'))?.[1] ?? NaN);
  }

  /** Put back everything ZeroOps still holds set (runtime settings do not survive a reload). */
  async reapply(): Promise<number> {
    const s = this.load();
    let changed = 0;
    for (const [target, w] of Object.entries(s.weights))
      changed += Number(await this.ensureWeight(...split(target), w.value, w.owner));
    for (const [target, st] of Object.entries(s.states))
      changed += Number(await this.ensureServerState(...split(target), st.value, st.owner));
    for (const [map, entries] of Object.entries(s.maps)) {
      for (const [key, e] of Object.entries(entries))
        changed += Number(await this.ensureMapEntry(map, key, e.value, e.owner));
    }
    return changed;
  }

  private async forget(
    state: Persisted,
    keep: (setting: Setting<unknown>, current: () => Promise<unknown>) => Promise<boolean>,
  ): Promise<void> {
    const weights = await filterEntries(state.weights, (t, w) => keep(w, () => this.weight(...split(t))));
    const states = await filterEntries(state.states, (t, st) => keep(st, () => this.serverState(...split(t))));
    const maps: Persisted['maps'] = {};
    for (const [map, entries] of Object.entries(state.maps)) {
      maps[map] = await filterEntries(entries, async (key, e) =>
        keep(e, async () => (await this.mapEntries(map))[key] ?? null),
      );
    }
    mkdirSync(dirname(this.statePath), { recursive: true });
    writeFileSync(this.statePath, JSON.stringify({ ...state, weights, states, maps }, null, 2));
  }

  /** Every command ZeroOps sent, oldest first. */
  journal(): string[] {
    const path = `${this.statePath}.journal`;
    return existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('\t')[1]!)
      : [];
  }

  private async run(command: string): Promise<void> {
    await this.admin.change(command);
    mkdirSync(dirname(this.statePath), { recursive: true });
    appendFileSync(`${this.statePath}.journal`, `${new Date().toISOString()}\t${command}\n`);
  }

  private load(): Persisted {
    if (!existsSync(this.statePath)) return { weights: {}, states: {}, maps: {} };
    const raw = JSON.parse(readFileSync(this.statePath, 'utf8')) as Persisted;
    // Settings persisted by earlier versions are plain values, made by no run in particular.
    const setting = <T>(v: T | Setting<T>): Setting<T> =>
      v !== null && typeof v === 'object' && 'value' in (v as object) ? (v as Setting<T>) : { value: v as T };
    const each = <T>(r: Record<string, T | Setting<T>>) =>
      Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, setting(v)]));
    return {
      pid: raw.pid,
      weights: each(raw.weights),
      states: each(raw.states),
      maps: Object.fromEntries(Object.entries(raw.maps ?? {}).map(([m, e]) => [m, each(e)])),
    };
  }

  private async persist(change: (state: Persisted) => void): Promise<void> {
    const state = this.load();
    change(state);
    state.pid = await this.processId();
    mkdirSync(dirname(this.statePath), { recursive: true });
    writeFileSync(this.statePath, JSON.stringify(state, null, 2));
  }
}

async function filterEntries<T>(
  record: Record<string, T>,
  keep: (key: string, value: T) => Promise<boolean>,
): Promise<Record<string, T>> {
  const kept: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (await keep(key, value)) kept[key] = value;
  return kept;
}

const split = (target: string) => target.split('/') as [string, string];
