/**
 * The sample service (lab/sample-service, Go): built once per source version, then run as a fleet
 * of instances, each with its version and datacenter. Faults are switched over HTTP; a restart in
 * place can deploy another version (versions behave like releases: see release.go).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';
import { LabError, type ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

const sourceDir = new URL('../sample-service/', import.meta.url).pathname;

export interface InstanceSpec {
  name: string;
  dc: string;
  version: string;
  /** Which HAProxy pool the instance serves: its datacenter's, the canary pool, or a canary lane's backend. */
  pool: 'datacenter' | 'canary' | 'lane';
  /** Features it serves (its answers carry them in X-Features). */
  features?: string[];
}

export interface ServiceInstance extends InstanceSpec {
  url: string;
  port: number;
  pid: number;
}

/** An instance's faults (POST /fault replaces them all: one left out is off). */
export interface Faults {
  latencyMs?: number;
  errorRatio?: number;
  goroutineLeakPerSec?: number;
  memoryLeakBytesPerSec?: number;
  /** Garbage allocated per second and left to the GC: the heap goes up and down, its floor flat. */
  gcSawtoothBytesPerSec?: number;
  /** Overload: the error ratio rises by this much per request per second above `overloadAboveRps`. */
  errorsProportionalToLoad?: number;
  overloadAboveRps?: number;
}

/** Build the binary if this version of the source has not been built yet; returns its path. */
export async function buildSampleService(): Promise<{ binary: string; built: boolean }> {
  const hash = sourceHash();
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'zeroops-lab');
  const binary = join(cacheDir, `sample-service-${hash}`);
  if (existsSync(binary)) return { binary, built: false };
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await promisify(execFile)('go', ['build', '-o', partial, '.'], {
      cwd: sourceDir,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GO111MODULE: 'on' },
    });
  } catch (error) {
    throw new LabError('sample-service', `go build failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  renameSync(partial, binary); // atomic: two labs building at once both end with a whole binary
  return { binary, built: true };
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(sourceDir)
    .filter((f) => f.endsWith('.go') || f === 'go.mod')
    .sort()) {
    hash.update(file).update(readFileSync(join(sourceDir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function startInstances(
  group: ProcessGroup,
  binary: string,
  specs: InstanceSpec[],
): Promise<ServiceInstance[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const port = await freePort();
      const started = group.spawn(spec.name, binary, {
        args: [
          ...['-listen', `127.0.0.1:${port}`, '-version', spec.version, '-dc', spec.dc, '-instance', spec.name],
          ...(spec.features?.length ? ['-features', spec.features.join(',')] : []),
        ],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(started, async () => (await fetch(`${url}/healthz`)).ok, `answer ${url}/healthz`);
      return { ...spec, url, port, pid: started.pid };
    }),
  );
}

/**
 * Restart an instance in place, optionally deploying another version or with a cache warm-up after
 * start, and wait until the new process answers /healthz (with that version); `instance.version`
 * follows what it answers.
 */
export async function restartInstance(
  instance: ServiceInstance,
  options: { version?: string; warmUpSeconds?: number } = {},
): Promise<void> {
  const query = new URLSearchParams();
  if (options.version) query.set('version', options.version);
  if (options.warmUpSeconds !== undefined) query.set('warmUpSeconds', String(options.warmUpSeconds));
  const response = await fetch(`${instance.url}/restart?${query}`, { method: 'POST' });
  if (!response.ok) throw new Error(`${instance.name}: restart refused: ${await response.text()}`);
  let answered: string | null = null;
  const healthy = async () => {
    const health = await fetch(`${instance.url}/healthz`); // 503 until the new process listens
    answered = health.headers.get('x-version');
    return health.ok && (!options.version || answered === options.version);
  };
  await waitUntil(instance, healthy, `come back healthy${options.version ? ` as ${options.version}` : ''}`, 10_000);
  instance.version = answered ?? instance.version;
}

export async function setFaults(instance: ServiceInstance, faults: Faults): Promise<void> {
  const response = await fetch(`${instance.url}/fault`, { method: 'POST', body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`${instance.name}: fault switch refused: ${await response.text()}`);
}
