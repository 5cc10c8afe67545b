/**
 * The fleet: whatever starts and stops a service's instances at a version (the orchestrator a team
 * uses). ZeroOps speaks a small HTTP API to it:
 *
 *   POST   /v1/instances        {service, env, version, features, name, count} → {instances: [{name, address}]}
 *   DELETE /v1/instances/<name> → 204 (also when it is already gone)
 *
 * Starting is idempotent by name: asked again for a name it runs, the fleet answers what it runs.
 */
import type { LaneInstance } from '../../lanes/lane-state.js';

export class FleetError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface InstanceRequest {
  service: string;
  env: string;
  version: string;
  features: string[];
  /** The name the instances are given (a number is appended when there are several). */
  name: string;
  count: number;
}

export class FleetClient {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async start(request: InstanceRequest): Promise<LaneInstance[]> {
    const answer = await this.call('POST', '/v1/instances', request);
    const instances = (answer as { instances?: LaneInstance[] } | undefined)?.instances;
    if (!Array.isArray(instances) || instances.some((i) => typeof i.name !== 'string' || !/^[\w.:-]+$/.test(i.address)))
      throw new FleetError(`the fleet at ${this.url} answered no usable instances`, false);
    return instances;
  }

  async stop(name: string): Promise<void> {
    await this.call('DELETE', `/v1/instances/${encodeURIComponent(name)}`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new FleetError(
        `the fleet at ${this.url} did not answer ${method} ${path}: ${(error as Error).message}`,
        true,
      );
    }
    const text = await response.text();
    if (response.status === 404 && method === 'DELETE') return undefined;
    if (!response.ok)
      throw new FleetError(
        `the fleet refused ${method} ${path}: ${response.status} ${text.slice(0, 300)}`,
        response.status >= 500 || response.status === 429,
      );
    return text ? JSON.parse(text) : undefined;
  }
}

/** An instance answers its health check (the version it replaced is fit to take its users back). */
export async function answersHealth(instance: LaneInstance, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await fetch(`http://${instance.address}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
  } catch {
    return false;
  }
}
