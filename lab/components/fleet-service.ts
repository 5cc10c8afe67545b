/**
 * The lab's fleet: a stand-in for the orchestrator a team would use (no Kubernetes runs here). It
 * starts instances of the sample service at a version with features, on loopback ports, and stops
 * them, through the HTTP API ZeroOps' fleet provider speaks (src/providers/fleet/fleet-client.ts).
 * It serves on loopback from the lab's own process; its instances belong to the lab's process group.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProcessGroup } from '../processes.js';
import { startInstances, type ServiceInstance } from './sample-service.js';

export interface FleetService {
  url: string;
  /** The instances it runs now, by name. */
  instances(): ServiceInstance[];
  close(): Promise<void>;
}

const safe = /^[A-Za-z0-9_.-]{1,80}$/;

export async function startFleetService(group: ProcessGroup, binary: string, dc: string): Promise<FleetService> {
  const running = new Map<string, ServiceInstance>();
  const starting = new Map<string, Promise<ServiceInstance[]>>();

  async function start(body: Record<string, unknown>): Promise<ServiceInstance[]> {
    const { name, version, features, count } = body as {
      name: string;
      version: string;
      features: string[];
      count: number;
    };
    if (!safe.test(String(name)) || !safe.test(String(version)) || !Array.isArray(features))
      throw new Error('name and version must be plain names, features a list');
    const names = Array.from({ length: Math.min(Math.max(Number(count) || 1, 1), 4) }, (_, i) => `${name}-${i + 1}`);
    const missing = names.filter((n) => !running.has(n));
    const started = await startInstances(
      group,
      binary,
      missing.map((n) => ({ name: n, dc, version, pool: 'lane' as const, features: features.map(String) })),
    );
    for (const instance of started) running.set(instance.name, instance);
    return names.map((n) => running.get(n)!);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '/';
    if (request.method === 'POST' && path === '/v1/instances') {
      const body = JSON.parse(await read(request)) as Record<string, unknown>;
      const key = String(body.name);
      // Two calls for the same name wait for one start (idempotent by name).
      const pending = starting.get(key) ?? start(body).finally(() => starting.delete(key));
      starting.set(key, pending);
      const instances = await pending;
      return json(response, 201, {
        instances: instances.map((i) => ({ name: i.name, address: `127.0.0.1:${i.port}` })),
      });
    }
    const deleted = /^\/v1\/instances\/([^/]+)$/.exec(path);
    if (request.method === 'DELETE' && deleted) {
      const instance = running.get(decodeURIComponent(deleted[1]!));
      if (!instance) return json(response, 404, { error: 'no such instance' });
      running.delete(instance.name);
      await group.stop(instance.pid);
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET' && path === '/v1/instances')
      return json(response, 200, {
        instances: [...running.values()].map(({ name, version, port }) => ({ name, version, port })),
      });
    json(response, 404, { error: `no route ${request.method} ${path}` });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => json(response, 400, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    instances: () => [...running.values()],
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
