/**
 * The datacenter watch of one service, a scrape at a time: read every datacenter, decide (the pure
 * machine in src/failover), move the weights when a decision says so, keep probing the datacenters
 * that are out, and record every decision with the queries, values and thresholds behind it.
 */
import type { Autonomy } from '../policy/autonomy.js';
import type { CapacityFacts } from '../failover/capacity.js';
import type { Thresholds, Tick, WeightChange } from '../failover/signals.js';
import {
  initialWatchState,
  watchStep,
  type Decision,
  type Timing,
  type WatchState,
  type WatchStep,
} from '../failover/watch-machine.js';

export interface WatchRecord {
  at: number;
  decision: Decision;
  /** The weight commands it led to, and the queries the tick was read with. */
  changes: WeightChange[];
  queries: Record<string, string>;
  /** What went wrong carrying it out (an instance HAProxy does not know), when something did. */
  failure?: string;
}

export interface DatacenterWatchDeps {
  read(): Promise<Tick>;
  /** Sets each datacenter's share of its normal traffic; returns the commands it had to send. */
  apply(keep: Record<string, number>): Promise<WeightChange[]>;
  /** Takes one instance out of its datacenter's backend (drain: its connections finish). */
  eject(dc: string, instance: string): Promise<void>;
  /** Synthetic requests to the datacenters that are out, so they go on being measured. */
  probe(dcs: string[]): Promise<void>;
  record(entry: WatchRecord): Promise<void> | void;
  /** Datacenters a person confirmed the failover of. */
  confirmed(): readonly string[];
  autonomy: Autonomy;
  capacity: CapacityFacts;
  thresholds: Thresholds;
  timing: Timing;
}

/** What one scrape came to: the step, the scrape itself, the commands sent and the records made. */
export interface WatchTick extends WatchStep {
  tick: Tick;
  changes: WeightChange[];
  /** How long the load balancer took to take the changes (0 when there were none). */
  applyMs: number;
  records: WatchRecord[];
}

const moves = new Set<Decision['kind']>(['drain', 'warm', 'relapse', 'restored']);

export class DatacenterWatch {
  constructor(
    private readonly deps: DatacenterWatchDeps,
    private state: WatchState = initialWatchState(),
  ) {}

  /** The machine's state now, to save between scrapes run by different jobs. */
  snapshot(): WatchState {
    return this.state;
  }

  async tick(): Promise<WatchTick> {
    const tick = await this.deps.read();
    const step = watchStep(this.state, {
      tick,
      autonomy: this.deps.autonomy,
      confirmed: this.deps.confirmed(),
      capacity: this.deps.capacity,
      thresholds: this.deps.thresholds,
      timing: this.deps.timing,
    });
    this.state = step.state;
    const applying = performance.now();
    const changes = step.decisions.some((d) => moves.has(d.kind)) ? await this.deps.apply(step.keep) : [];
    const applyMs = changes.length ? performance.now() - applying : 0;
    for (const decision of step.decisions)
      if (decision.kind === 'eject') await this.deps.eject(decision.dc, decision.instance);
    const records = step.decisions.map((decision) => ({ at: tick.at, decision, changes, queries: tick.queries }));
    for (const record of records) await this.deps.record(record);
    const out = Object.entries(step.keep)
      .filter(([, keep]) => keep < 1)
      .map(([dc]) => dc);
    if (out.length) await this.deps.probe(out);
    return { ...step, tick, changes, applyMs, records };
  }
}
