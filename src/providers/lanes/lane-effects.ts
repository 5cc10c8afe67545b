/**
 * The `lanes` provider: a Rollout's lane on real infrastructure. Its instances come from the fleet
 * and join the lane's HAProxy backend as dynamic servers; who it serves is the route table, rewritten
 * atomically from the store's lane chain after every change. Each operation is idempotent (asked
 * again, it finds the chain already says so) and holds the service's lane lease while it changes
 * the chain and the table, so two runs never interleave their tables.
 */
import { EffectError, type EffectContext, type EffectResult } from '../../engine/ports.js';
import type { Store } from '../../engine/store.js';
import { laneOf, type RolloutDeclaration } from '../../lanes/lane.js';
import {
  asRouted,
  exposureHolders,
  foldLanes,
  freeSlot,
  laneChain,
  routingLanes,
  type LaneDeployment,
  type LaneEvent,
  type LiveLane,
} from '../../lanes/lane-state.js';
import { routeTable } from '../../lanes/route-table.js';
import { answersHealth, FleetClient, FleetError } from '../fleet/fleet-client.js';
import { HAProxyAdminError } from '../haproxy/admin-socket.js';
import { removeServer, serversOf } from '../haproxy/dynamic-servers.js';
import { laneBackendName, laneBaselineName, routeEntries } from '../haproxy/lane-routing-config.js';
import { indexLaneChain, registerMissing } from './lane-keeper.js';
import { replaceMap } from '../haproxy/route-table-writer.js';

/** Where a run's lanes live: from the config it was approved under. */
export interface LaneProviders {
  fleet?: { url: string };
  haproxy?: { socket: string; lanes?: { routeTable: string; slots: number } };
}

interface LaneTarget {
  service: string;
  env: string;
  lane: string;
}

const leaseSeconds = 60;

export class LaneEffects {
  constructor(
    private readonly store: Store,
    private readonly providers: LaneProviders,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts the lane's instances and registers them in a free lane backend; routes no one yet. */
  async deploy(params: LaneTarget & { spec: RolloutDeclaration['spec']; count?: number }, { run }: EffectContext) {
    return this.changing(params, async (lanes, append) => {
      const existing = lanes.find((l) => l.lane === params.lane && l.status !== 'retired');
      if (existing && existing.run !== run.id)
        throw new EffectError(`lane ${params.lane} is already live, deployed by run ${existing.run}`, false);
      const deployment = existing ?? (await this.newDeployment(params, lanes, run.id));
      const backend = laneBackendName(params.service, deployment.slot);
      // Its servers join the backend with every lane's, once the chain records it (see `changing`).
      if (!existing) {
        await append({ type: 'lane-deployed', data: deployment });
        const entry = { service: params.service, env: params.env, socket: this.haproxy.socket };
        await indexLaneChain(this.store, entry, this.now().toISOString());
      }
      return { lane: params.lane, slot: deployment.slot, backend, instances: deployment.instances.map((i) => i.name) };
    });
  }

  /** Sets the share of its audience the lane holds. */
  async route(params: LaneTarget & { percent: number }) {
    return this.changing(params, async (lanes, append) => {
      const lane = this.laneIn(lanes, params.lane);
      if (lane.status !== 'live')
        throw new EffectError(`lane ${lane.lane} is ${lane.status}${lane.heldBy ? ` by ${lane.heldBy}` : ''}`, false);
      if (lane.percent !== params.percent)
        await append({ type: 'lane-routed', data: { lane: lane.lane, percent: params.percent } });
      return { lane: lane.lane, percent: params.percent };
    });
  }

  /** The lane takes over the users its predecessor holds (same buckets), which then serves no one. */
  async takeOver(params: LaneTarget & { from: string }) {
    return this.changing(params, async (lanes, append) => {
      const from = this.laneIn(lanes, params.from);
      this.laneIn(lanes, params.lane);
      if (from.status === 'taken-over' && from.heldBy === params.lane) return { lane: params.lane, from: from.lane };
      if (from.status !== 'live')
        throw new EffectError(`lane ${from.lane} is ${from.status}: there are no users to take over`, false);
      await append({ type: 'lane-taken-over', data: { lane: from.lane, by: params.lane } });
      return { lane: params.lane, from: from.lane, percent: from.percent };
    });
  }

  /**
   * Rollback of a take-over: the predecessor's users go back to it if its instances are healthy,
   * else to the stable version (the predecessor is retired too).
   */
  async handBack(params: LaneTarget & { to: string }) {
    return this.changing(params, async (lanes, append) => {
      const to = lanes.find((l) => l.lane === params.to);
      if (!to || to.status !== 'taken-over' || to.heldBy !== params.lane)
        return { backTo: to?.status === 'live' ? to.lane : 'stable', unchanged: true };
      const healthy = (await Promise.all(to.instances.map((i) => answersHealth(i)))).every(Boolean);
      if (healthy) {
        await append({ type: 'lane-handed-back', data: { lane: to.lane, from: params.lane } });
        return { backTo: to.lane, version: to.version };
      }
      const reason = `its instances did not answer their health check when ${params.lane} was rolled back`;
      await append({ type: 'lane-retired', data: { lane: to.lane, reason } });
      await append({ type: 'lane-routed', data: { lane: params.lane, percent: 0 } });
      return {
        backTo: 'stable',
        reason: `${to.lane} ${reason}`,
        after: () => this.removeInstances(params.service, to),
      };
    });
  }

  /** Routes no one to the lane, removes its instances from HAProxy and stops them. */
  /** `ownOnly`: a rollback retires only what its own run deployed, never a lane of the same name another run holds. */
  async retire(params: LaneTarget & { reason: string; ownOnly?: boolean }, { run }: EffectContext) {
    return this.changing(params, async (lanes, append) => {
      const lane = lanes.find((l) => l.lane === params.lane);
      if (!lane || (params.ownOnly && lane.run !== run.id))
        return { lane: params.lane, retired: false, unchanged: true };
      // Retired already by an attempt that stopped half-way: its instances are removed again (idempotent).
      if (lane.status !== 'retired')
        await append({ type: 'lane-retired', data: { lane: lane.lane, reason: params.reason } });
      return { lane: lane.lane, retired: true, after: () => this.removeInstances(params.service, lane) };
    });
  }

  private async newDeployment(
    params: LaneTarget & { spec: RolloutDeclaration['spec']; count?: number },
    lanes: LiveLane[],
    run: string,
  ): Promise<LaneDeployment> {
    const slots = this.routing.slots;
    const slot = freeSlot(lanes, slots);
    if (slot === undefined) {
      const busy = lanes.filter((l) => l.status !== 'retired').map((l) => `${l.lane} (${l.version})`);
      throw new EffectError(`all ${slots} lane slots of ${params.service} are taken: ${busy.join(', ')}`, false);
    }
    const declared = laneOf({ name: params.lane, service: params.service, env: params.env, spec: params.spec });
    const predecessor =
      !declared.ownAudience && declared.replaces ? lanes.find((l) => l.lane === declared.replaces) : undefined;
    const instances = await this.fleet.start({
      service: params.service,
      env: params.env,
      version: params.spec.version,
      features: declared.features as string[],
      name: `${params.service}-${params.lane}`,
      count: params.count ?? 1,
    });
    return {
      lane: params.lane,
      version: params.spec.version,
      features: [...declared.features],
      ...(declared.replaces ? { replaces: declared.replaces } : {}),
      segment: predecessor?.segment ?? declared.segment,
      range: predecessor?.range ?? declared.range,
      widest: declared.percent,
      slot,
      instances,
      run,
    };
  }

  /** Out of HAProxy first (draining it), then stopped: no request is sent to a stopped instance. */
  private async removeInstances(service: string, lane: LiveLane): Promise<void> {
    const backend = laneBackendName(service, lane.slot);
    const registered = await serversOf(this.haproxy.socket, backend);
    for (const instance of lane.instances) {
      if (registered.includes(instance.name)) await removeServer(this.haproxy.socket, backend, instance.name);
      await this.fleet.stop(instance.name);
    }
  }

  private laneIn(lanes: readonly LiveLane[], name: string): LiveLane {
    const lane = lanes.find((l) => l.lane === name && l.status !== 'retired');
    if (!lane) throw new EffectError(`lane ${name} is not deployed (or was retired)`, false);
    return lane;
  }

  private async laneEvents(chain: string): Promise<LaneEvent[]> {
    return (await this.store.events(chain)) as unknown as LaneEvent[];
  }

  /** The table of the lanes routing now; each with the baseline backend that serves the rest of its segment. */
  private async writeRouteTable(service: string, lanes: readonly LiveLane[]): Promise<void> {
    const live = routingLanes(lanes);
    const slotOf = new Map(live.map((lane) => [lane.lane, lane.slot]));
    // After the live lanes, the users of retired lanes that their exclusions still keep out.
    const seen = exposureHolders(lanes, routeEntries(this.routing.slots) - live.length);
    const slot = (lane: { lane: string }) => slotOf.get(lane.lane);
    const entries = routeTable(
      [...live.map(asRouted), ...seen],
      (lane) => (slot(lane) ? laneBackendName(service, slot(lane)!) : 'none'),
      (lane) => (slot(lane) ? laneBaselineName(service, slot(lane)!) : undefined),
    );
    await replaceMap(this.haproxy.socket, this.routing.routeTable, entries);
  }

  private async withProviderErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FleetError) throw new EffectError(error.message, error.retryable);
      if (error instanceof HAProxyAdminError) throw new EffectError(`haproxy: ${error.message}`, true);
      throw error;
    }
  }

  private get fleet(): FleetClient {
    const url = this.providers.fleet?.url;
    if (!url) throw new EffectError('no fleet configured: set spec.providers.fleet.url in .zeroops/config.yaml', false);
    return new FleetClient(url);
  }

  private get haproxy(): NonNullable<LaneProviders['haproxy']> {
    if (!this.providers.haproxy?.socket)
      throw new EffectError('no HAProxy configured: set spec.providers.haproxy.socket in .zeroops/config.yaml', false);
    return this.providers.haproxy;
  }

  private get routing(): { routeTable: string; slots: number } {
    const lanes = this.haproxy.lanes;
    if (!lanes)
      throw new EffectError(
        'HAProxy routes no lanes: set spec.providers.haproxy.lanes (routeTable, slots) in .zeroops/config.yaml',
        false,
      );
    return lanes;
  }

  /**
   * Runs `change` under the service's lane lease with the chain folded, then rewrites the route
   * table from the chain as it stands after the change.
   */
  private async changing<T extends object>(
    target: LaneTarget,
    change: (
      lanes: LiveLane[],
      append: (event: Omit<LaneEvent, 'at'>) => Promise<void>,
    ) => Promise<T & { after?: () => Promise<void>; unchanged?: boolean }>,
  ): Promise<EffectResult> {
    const chain = laneChain(target.service, target.env);
    const holder = `${chain}#${process.pid}#${Math.random()}`;
    const now = this.now();
    const until = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    if (!(await this.store.lease(chain, holder, until, now.toISOString())))
      throw new EffectError(`another run is changing the lanes of ${target.service}/${target.env}`, true);
    try {
      const lanes = foldLanes(await this.laneEvents(chain));
      const append = async (event: Omit<LaneEvent, 'at'>) => {
        await this.store.appendEvents(chain, [{ ...event, actor: 'zeroops' } as never], this.now().toISOString());
      };
      const { after, unchanged, ...output } = await this.withProviderErrors(() => change(lanes, append));
      // Nothing of this lane was ever deployed: no provider is touched (its config may be what failed).
      if (unchanged) return { output };
      const updated = foldLanes(await this.laneEvents(chain));
      // New lanes' servers join; those a reload of HAProxy dropped come back.
      await this.withProviderErrors(() => registerMissing(this.haproxy.socket, target.service, updated));
      await this.writeRouteTable(target.service, updated);
      await this.withProviderErrors(async () => after?.());
      return { output };
    } finally {
      await this.store.releaseLease(chain, holder);
    }
  }
}
