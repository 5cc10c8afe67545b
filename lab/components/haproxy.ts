/**
 * HAProxy in front of the fleet. Two tiers, so a datacenter's share of traffic is one weight
 * (names from the lab's service shape; the demo's are shown):
 *   frontend checkout ─► backend checkout_stable: one server per datacenter, weighted
 *                         └─► frontend dc_<dc> (unix socket) ─► backend checkout_dc_a: its instances
 *                    ├─► backend checkout_lane_1…4: canary lanes, chosen by the lane router
 *                    └─► backend checkout_canary, for the audience the canary map sends there
 * plus the admin socket (runtime API) and the Prometheus exporter.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saltOf } from '../../src/lanes/buckets.js';
import { AdminSocket } from '../../src/providers/haproxy/admin-socket.js';
import {
  laneBackendName,
  laneBaselineName,
  laneFrontendRules,
  laneRouterPath,
} from '../../src/providers/haproxy/lane-routing-config.js';
import { freePort } from '../ports.js';
import type { ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';
import type { ServiceInstance } from './sample-service.js';
import type { LabService } from '../service-shape.js';

export interface HAProxyComponent {
  /** Where clients send requests. */
  url: string;
  /** HAProxy's own metrics, Prometheus format. */
  metricsUrl: string;
  metricsTarget: string;
  socketPath: string;
  /** The map that routes audiences (x-user-tags) to a backend. */
  canaryMapPath: string;
  /** The canary lanes' route table (src/lanes/route-table.ts), read by the lane router. */
  routeTablePath: string;
  /** How many lane backends there are: `laneBackendName(service, 1…laneSlots)`. */
  laneSlots: number;
  stableBackend: string;
  pid: number;
  /** Send one runtime API command over the admin socket; resolves to HAProxy's answer. */
  command(line: string): Promise<string>;
}

export async function startHAProxy(
  group: ProcessGroup,
  dir: string,
  service: LabService,
  instances: ServiceInstance[],
): Promise<HAProxyComponent> {
  const [port, statsPort] = [await freePort(), await freePort()];
  const socketPath = join(dir, 'haproxy.sock');
  const canaryMapPath = join(dir, 'canary.map');
  writeFileSync(canaryMapPath, '');
  const routeTablePath = join(dir, 'lanes.map');
  writeFileSync(routeTablePath, '');
  const configPath = join(dir, 'haproxy.cfg');
  writeFileSync(
    configPath,
    haproxyConfig({ dir, port, statsPort, socketPath, canaryMapPath, routeTablePath, service, instances }),
  );
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
    routeTablePath,
    laneSlots,
    stableBackend: service.pool,
    pid: started.pid,
    command,
  };
}

/** Lanes live at once in the lab. */
const laneSlots = 4;

interface ConfigInput {
  dir: string;
  port: number;
  statsPort: number;
  socketPath: string;
  canaryMapPath: string;
  routeTablePath: string;
  service: LabService;
  instances: ServiceInstance[];
}

function haproxyConfig(input: ConfigInput): string {
  const { dir, port, statsPort, socketPath, canaryMapPath, routeTablePath, service, instances } = input;
  // Datacenter names become socket file names: only safe characters.
  const sock = (dc: string) => join(dir, `dc-${dc.replace(/[^A-Za-z0-9_.-]/g, '_')}.sock`);
  const server = (i: ServiceInstance) => `  server ${i.name} 127.0.0.1:${i.port} check inter 1s fall 2 rise 1`;
  return [
    'global',
    `  lua-load ${laneRouterPath}`,
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
    `frontend ${service.name}`,
    `  bind 127.0.0.1:${port}`,
    ...laneFrontendRules({ salt: saltOf(service.name), routeTable: routeTablePath, slots: laneSlots }).map(
      (l) => `  ${l}`,
    ),
    `  acl to_canary req.hdr(x-user-tags),map_sub(${canaryMapPath}) -m found`,
    `  use_backend %[req.hdr(x-user-tags),map_sub(${canaryMapPath})] if to_canary`,
    `  default_backend ${service.pool}`,
    '',
    `backend ${service.pool}`,
    '  balance roundrobin',
    ...service.datacenters.map((dc) => `  server ${dc.name} unix@${sock(dc.name)} weight 100`),
    '',
    ...service.datacenters.flatMap((dc, i) => [
      `frontend dc_${i}`,
      `  bind unix@${sock(dc.name)}`,
      `  default_backend ${dc.backend}`,
      '',
      `backend ${dc.backend}`,
      '  balance roundrobin',
      ...instances.filter((i) => i.pool === 'datacenter' && i.dc === dc.name).map(server),
      '',
    ]),
    `backend ${service.canaryBackend}`,
    '  balance roundrobin',
    ...instances.filter((i) => i.pool === 'canary').map(server),
    '',
    // One backend per lane slot; ZeroOps adds the lane's instances at run time (dynamic servers).
    ...Array.from({ length: laneSlots }, (_, i) => [
      `backend ${laneBackendName(service.name, i + 1)}`,
      '  balance roundrobin',
      '',
    ]).flat(),
    // Each lane's baseline: the stable pool, entered through a socket so its traffic is counted apart.
    'frontend stable_entry',
    `  bind unix@${join(dir, 'stable.sock')}`,
    `  default_backend ${service.pool}`,
    '',
    ...Array.from({ length: laneSlots }, (_, i) => [
      `backend ${laneBaselineName(service.name, i + 1)}`,
      `  server stable unix@${join(dir, 'stable.sock')}`,
      '',
    ]).flat(),
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n');
}
