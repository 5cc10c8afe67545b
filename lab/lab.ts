/**
 * The lab: real components on loopback in a fresh temporary directory. `startLab()` starts what is
 * asked for, in parallel where it can, and waits for real readiness; `stop()` stops every process
 * by its PID and removes the directory. A watchdog cleans up if this process dies first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHAProxy, type HAProxyComponent } from './components/haproxy.js';
import { startFleetService, type FleetService } from './components/fleet-service.js';
import { startLoad, type LoadGenerator } from './components/load-generator.js';
import { startPostgres, type PostgresComponent } from './components/postgres.js';
import { startMariadb, type MariadbComponent } from './components/mariadb.js';
import { startDbLoad, type DbLoad, type DbLoadOptions } from './components/db-load.js';
import { startPrometheus, type PrometheusComponent } from './components/prometheus.js';
import { startRedis, type RedisComponent } from './components/redis.js';
import {
  buildSampleService,
  startInstances,
  type InstanceSpec,
  type ServiceInstance,
} from './components/sample-service.js';
import { GitHubDouble } from './github-double/index.js';
import type { FileChanges } from './github-double/git-repo.js';
import { LabError, ProcessGroup } from './processes.js';
import { defaultLabService, type LabService } from './service-shape.js';

export type ComponentName = 'redis' | 'postgres' | 'mariadb' | 'fleet' | 'haproxy' | 'prometheus' | 'load' | 'github';

export interface LabOptions {
  /** Which components to start; the fleet comes with haproxy, prometheus and load. Default: all. */
  components?: ComponentName[];
  /** The service the fleet runs: names, pool, datacenters and instances (default: checkout in dc-a…dc-c). */
  service?: LabService;
  stableVersion?: string;
  /** A canary instance of this version in the canary pool; none when undefined. */
  canaryVersion?: string;
  seedRows?: number;
  /** PostgreSQL server settings over the lab's own (e.g. the bench's production-sized shared_buffers). */
  postgresSettings?: Record<string, string>;
  /** Requests per second of the load generator. */
  loadRate?: number;
  /** Files of the GitHub double's repository (default branch). */
  githubFiles?: FileChanges;
  /** Called as components become ready, for progress displays. */
  onProgress?: (event: string) => void;
}

export interface Lab {
  dir: string;
  service: LabService;
  redis?: RedisComponent;
  postgres?: PostgresComponent;
  /** Started only when asked for (the MySQL schema-change path). */
  mariadb?: MariadbComponent;
  instances: ServiceInstance[];
  haproxy?: HAProxyComponent;
  /** Starts lane instances at run time (with haproxy): the deploy provider's orchestrator. */
  fleet?: FleetService;
  prometheus?: PrometheusComponent;
  load?: LoadGenerator;
  github?: GitHubDouble;
  /** Starts the application's database load (pgbench) on the lab's PostgreSQL; stopped with the lab. */
  startDbLoad(options?: DbLoadOptions): Promise<DbLoad>;
  /** Every process the lab started. */
  pids(): number[];
  stop(): Promise<void>;
}

const all: ComponentName[] = ['redis', 'postgres', 'fleet', 'haproxy', 'prometheus', 'load', 'github'];

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const wanted = withDependencies(options.components ?? all);
  const dir = mkdtempSync(join(tmpdir(), 'zeroops-lab-'));
  const group = new ProcessGroup(dir);
  const watchdog = startWatchdog(dir);
  const killOnExit = () => group.killAllNow();
  process.once('exit', killOnExit);
  const progress = options.onProgress ?? (() => undefined);
  const lab: Lab = {
    dir,
    service: options.service ?? defaultLabService(),
    instances: [],
    pids: () => group.pids(),
    async startDbLoad(loadOptions) {
      if (!lab.postgres) throw new LabError('pgbench', 'the lab has no postgres: start it with the postgres component');
      return startDbLoad(group, dir, lab.postgres, loadOptions);
    },
    async stop() {
      await lab.load?.stop();
      await lab.github?.stop();
      await lab.fleet?.close();
      await group.stopAll();
      process.removeListener('exit', killOnExit);
      watchdog.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all([
      wanted.has('redis') &&
        startRedis(group, dir).then((redis) => {
          lab.redis = redis;
          progress('redis ready');
        }),
      wanted.has('postgres') &&
        startPostgres(group, dir, options.seedRows ?? 100_000, options.postgresSettings).then((pg) => {
          lab.postgres = pg;
          progress('postgres ready');
        }),
      wanted.has('mariadb') &&
        startMariadb(group, dir, options.seedRows ?? 100_000).then((mariadb) => {
          lab.mariadb = mariadb;
          progress('mariadb ready');
        }),
      wanted.has('fleet') && startTraffic(lab, group, dir, options, wanted, progress),
      wanted.has('github') &&
        GitHubDouble.start({ dir: join(dir, 'github'), files: options.githubFiles }).then((github) => {
          lab.github = github;
          progress('GitHub double ready');
        }),
    ]);
    return lab;
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

async function startTraffic(
  lab: Lab,
  group: ProcessGroup,
  dir: string,
  options: LabOptions,
  wanted: Set<ComponentName>,
  progress: (e: string) => void,
): Promise<void> {
  const { binary, built } = await buildSampleService();
  progress(built ? 'sample service built' : 'sample service binary cached');
  lab.instances = await startInstances(group, binary, fleet(lab.service, options));
  progress(`${lab.instances.length} instances ready`);
  if (!wanted.has('haproxy')) return;
  lab.haproxy = await startHAProxy(group, dir, lab.service, lab.instances);
  lab.fleet = await startFleetService(group, binary, lab.service.datacenters[0]!.name);
  progress('haproxy ready');
  await Promise.all([
    wanted.has('prometheus') &&
      startPrometheus(group, dir, {
        job: lab.service.name,
        instances: lab.instances.map((i) => `127.0.0.1:${i.port}`),
        haproxy: [lab.haproxy.metricsTarget],
      }).then((prometheus) => {
        lab.prometheus = prometheus;
        progress('prometheus ready: every target up');
      }),
    wanted.has('load') &&
      Promise.resolve().then(() => {
        lab.load = startLoad(lab.haproxy!.url, options.loadRate ?? 50);
        progress('load generator running');
      }),
  ]);
}

function withDependencies(components: ComponentName[]): Set<ComponentName> {
  const set = new Set(components);
  if (set.has('load') || set.has('prometheus')) set.add('haproxy');
  if (set.has('haproxy')) set.add('fleet');
  return set;
}

function fleet(service: LabService, options: LabOptions): InstanceSpec[] {
  const version = options.stableVersion ?? 'v1.0.0';
  const specs: InstanceSpec[] = service.datacenters.flatMap((dc) =>
    dc.servers.map((name) => ({ name, dc: dc.name, version, pool: 'datacenter' as const })),
  );
  if (options.canaryVersion)
    specs.push({
      name: `${service.name}-canary1`,
      dc: service.datacenters[0]!.name,
      version: options.canaryVersion,
      pool: 'canary',
    });
  return specs;
}

function startWatchdog(dir: string) {
  const child = spawn(
    process.execPath,
    [new URL('./watchdog.js', import.meta.url).pathname, String(process.pid), dir],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
  return child;
}
