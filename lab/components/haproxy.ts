/**
 * HAProxy in front of the fleet. Two tiers, so a datacenter's share of traffic is one weight:
 *   frontend checkout ─► backend checkout_stable: one server per datacenter, weighted
 *                         └─► frontend dc_<dc> (unix socket) ─► backend checkout_<dc>: its instances
 *                    └─► backend checkout_canary, for the audience the canary map sends there
 * plus the admin socket (runtime API) and the Prometheus exporter.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminSocket } from '../../src/providers/haproxy/admin-socket.js';
import { freePort } from '../ports.js';
import type { ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';
import type { ServiceInstance } from './sample-service.js';

export interface HAProxyComponent {
  /** Where clients send requests. */
  url: string;
  /** HAProxy's own metrics, Prometheus format. */
  metricsUrl: string;
  metricsTarget: string;
  socketPath: string;
  /** The map that routes audiences (x-user-tags) to a backend. */
  canaryMapPath: string;
  stableBackend: string;
  pid: number;
  /** Send one runtime API command over the admin socket; resolves to HAProxy's answer. */
  command(line: string): Promise<string>;
}

export const backendOf = (dc: string) => `checkout_${dc.replace(/-/g, '_')}`;

export async function startHAProxy(
  group: ProcessGroup,
  dir: string,
  instances: ServiceInstance[],
): Promise<HAProxyComponent> {
  const [port, statsPort] = [await freePort(), await freePort()];
  const socketPath = join(dir, 'haproxy.sock');
  const canaryMapPath = join(dir, 'canary.map');
  writeFileSync(canaryMapPath, '');
  const configPath = join(dir, 'haproxy.cfg');
  writeFileSync(configPath, haproxyConfig({ dir, port, statsPort, socketPath, canaryMapPath, instances }));
  const started = group.spawn('haproxy', 'haproxy', { args: ['-f', configPath, '-db'] });
  const admin = new AdminSocket(socketPath);
  const command = (line: string) => admin.send(line);
  await waitUntil(
    started,
    async () => (await command('show info')).includes('Name: HAProxy'),
    'answer on its admin socket',
  );
  await waitUntil(
    started,
    async () => (await fetch(`http://127.0.0.1:${port}/`)).ok,
    'serve a request through the frontend',
  );
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${statsPort}/metrics`,
    metricsTarget: `127.0.0.1:${statsPort}`,
    socketPath,
    canaryMapPath,
    stableBackend: 'checkout_stable',
    pid: started.pid,
    command,
  };
}

interface ConfigInput {
  dir: string;
  port: number;
  statsPort: number;
  socketPath: string;
  canaryMapPath: string;
  instances: ServiceInstance[];
}

function haproxyConfig({ dir, port, statsPort, socketPath, canaryMapPath, instances }: ConfigInput): string {
  const datacenters = [...new Set(instances.filter((i) => i.pool === 'datacenter').map((i) => i.dc))];
  const server = (i: ServiceInstance) => `  server ${i.name} 127.0.0.1:${i.port} check inter 1s fall 2 rise 1`;
  return [
    'global',
    `  stats socket ${socketPath} mode 600 level admin`,
    '  stats timeout 30s',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  option httpchk GET /healthz',
    '',
    'frontend checkout',
    `  bind 127.0.0.1:${port}`,
    `  acl to_canary req.hdr(x-user-tags),map_sub(${canaryMapPath}) -m found`,
    `  use_backend %[req.hdr(x-user-tags),map_sub(${canaryMapPath})] if to_canary`,
    '  default_backend checkout_stable',
    '',
    'backend checkout_stable',
    '  balance roundrobin',
    ...datacenters.map((dc) => `  server ${dc} unix@${join(dir, `${dc}.sock`)} weight 100`),
    '',
    ...datacenters.flatMap((dc) => [
      `frontend dc_${dc}`,
      `  bind unix@${join(dir, `${dc}.sock`)}`,
      `  default_backend ${backendOf(dc)}`,
      '',
      `backend ${backendOf(dc)}`,
      '  balance roundrobin',
      ...instances.filter((i) => i.pool === 'datacenter' && i.dc === dc).map(server),
      '',
    ]),
    'backend checkout_canary',
    '  balance roundrobin',
    ...instances.filter((i) => i.pool === 'canary').map(server),
    '',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n');
}
