/**
 * Traffic through HAProxy's runtime API. Every change is an `ensure`: read the current value, send
 * a command only when it differs, so a retried step sends nothing twice. What was set is persisted
 * (and journalled), because runtime changes are lost when HAProxy reloads: `reapply()` restores them.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdminSocket, HAProxyAdminError } from './admin-socket.js';

export type ServerState = 'ready' | 'drain' | 'maint';

interface Persisted {
  /** The HAProxy process the settings were made on: another one means a reload lost them. */
  pid?: number;
  weights: Record<string, number>;
  states: Record<string, ServerState>;
  maps: Record<string, Record<string, string | null>>;
}

export class HAProxyTraffic {
  private readonly admin: AdminSocket;

  constructor(socket: string, private readonly statePath: string) {
    this.admin = new AdminSocket(socket);
  }

  async weight(backend: string, server: string): Promise<number> {
    const answer = await this.admin.send(`get weight ${backend}/${server}`);
    const match = /^(\d+) \(initial \d+\)/.exec(answer);
    if (!match) throw new HAProxyAdminError(`haproxy: no weight for ${backend}/${server}: ${answer.trim()}`);
    return Number(match[1]);
  }

  /** Returns true when it had to change something. */
  async ensureWeight(backend: string, server: string, weight: number): Promise<boolean> {
    if ((await this.weight(backend, server)) === weight) return false;
    await this.run(`set weight ${backend}/${server} ${weight}`);
    await this.persist((s) => { s.weights[`${backend}/${server}`] = weight; });
    return true;
  }

  async serverState(backend: string, server: string): Promise<ServerState> {
    const answer = await this.admin.send(`show servers state ${backend}`);
    const row = answer.split('\n').map((l) => l.split(' ')).find((f) => f[1] === backend && f[3] === server);
    if (!row) throw new HAProxyAdminError(`haproxy: no server ${backend}/${server}`);
    const admin = Number(row[6]);
    if (admin & 0x01 || admin & 0x02 || admin & 0x20) return 'maint';
    if (admin & 0x08 || admin & 0x10) return 'drain';
    return 'ready';
  }

  async ensureServerState(backend: string, server: string, state: ServerState): Promise<boolean> {
    if ((await this.serverState(backend, server)) === state) return false;
    await this.run(`set server ${backend}/${server} state ${state}`);
    await this.persist((s) => { s.states[`${backend}/${server}`] = state; });
    return true;
  }

  async mapEntries(map: string): Promise<Record<string, string>> {
    const answer = await this.admin.send(`show map ${map}`);
    return Object.fromEntries(answer.split('\n').filter(Boolean).map((line) => line.split(' ')).filter((f) => f.length >= 3).map((f) => [f[1]!, f.slice(2).join(' ')]));
  }

  /** Route `key` to `value` in a map; null removes the entry. */
  async ensureMapEntry(map: string, key: string, value: string | null): Promise<boolean> {
    const entries = await this.mapEntries(map);
    if ((entries[key] ?? null) === value) return false;
    if (value === null) await this.run(`del map ${map} ${key}`);
    else await this.run(`${key in entries ? 'set' : 'add'} map ${map} ${key} ${value}`);
    await this.persist((s) => { (s.maps[map] ??= {})[key] = value; });
    return true;
  }

  /** Put back what ZeroOps set when HAProxy was reloaded since (its process changed); returns the changes made. */
  async reapplyIfReloaded(): Promise<number> {
    const recorded = this.load().pid;
    const current = await this.processId();
    if (recorded === undefined || recorded === current) return 0;
    return this.reapply();
  }

  private async processId(): Promise<number> {
    return Number(/^Pid: (\d+)/m.exec(await this.admin.send('show info'))?.[1] ?? NaN);
  }

  /** Put back everything ZeroOps set (runtime settings do not survive a reload). */
  async reapply(): Promise<number> {
    const s = this.load();
    let changed = 0;
    for (const [target, weight] of Object.entries(s.weights)) changed += Number(await this.ensureWeight(...split(target), weight));
    for (const [target, state] of Object.entries(s.states)) changed += Number(await this.ensureServerState(...split(target), state));
    for (const [map, entries] of Object.entries(s.maps)) {
      for (const [key, value] of Object.entries(entries)) changed += Number(await this.ensureMapEntry(map, key, value));
    }
    return changed;
  }

  /** Every command ZeroOps sent, oldest first. */
  journal(): string[] {
    const path = `${this.statePath}.journal`;
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t')[1]!) : [];
  }

  private async run(command: string): Promise<void> {
    await this.admin.change(command);
    mkdirSync(dirname(this.statePath), { recursive: true });
    appendFileSync(`${this.statePath}.journal`, `${new Date().toISOString()}\t${command}\n`);
  }

  private load(): Persisted {
    return existsSync(this.statePath) ? JSON.parse(readFileSync(this.statePath, 'utf8')) as Persisted : { weights: {}, states: {}, maps: {} };
  }

  private async persist(change: (state: Persisted) => void): Promise<void> {
    const state = this.load();
    change(state);
    state.pid = await this.processId();
    mkdirSync(dirname(this.statePath), { recursive: true });
    writeFileSync(this.statePath, JSON.stringify(state, null, 2));
  }
}

const split = (target: string) => target.split('/') as [string, string];
