/**
 * The lab's checkout service as the patrol sees it, in compressed time: the lab's Prometheus
 * scrapes every second, so inspections run every few seconds over a minute or two, and the rolling
 * restart takes three instances at a time with a two-second hold. Shared by the demo and the tests.
 */
import type { Lab } from './lab.js';

const by = 'dc, version, instance_name, instance';

type Autonomy = 'observe' | 'suggest' | 'confirm' | 'auto';

/** The lab's checkout service up to its metrics: owners, datacenters behind HAProxy, restart command. */
export const labServiceHead = `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: checkout }
spec:
  owners: [alice, bob]
  environments: [production]
  deploy: { provider: haproxy }
  haproxyPool: checkout_stable
  datacenters:
    - { name: dc-a, weight: 100, haproxy: { backend: checkout_dc_a, servers: [checkout-a1, checkout-a2] } }
    - { name: dc-b, weight: 100, haproxy: { backend: checkout_dc_b, servers: [checkout-b1, checkout-b2] } }
    - { name: dc-c, weight: 100, haproxy: { backend: checkout_dc_c, servers: [checkout-c1, checkout-c2] } }
  restart: { command: [scripts/restart-instance.sh] }
`;

/** `everything` adds inspections of memory, latency and traffic to the goroutines and errors. */
export function patrolService(options: { every?: string; window?: string; everything?: boolean } = {}): string {
  const every = options.every ?? '5s';
  const window = options.window ?? '60s';
  const more = options.everything
    ? `
    - { name: memory-leak, metric: memory_heap, detect: leak, every: ${every}, window: ${window} }
    - { name: latency, metric: latency_p95, detect: anomaly, every: ${every}, window: ${window} }
    - { name: traffic, metric: requests, detect: anomaly, every: ${every}, window: ${window} }`
    : '';
  return `${labServiceHead}  labels: { datacenter: dc, version: version, instance: instance_name }
  profiles: { goroutines: "http://{address}/debug/pprof/goroutine?debug=1", heap: "http://{address}/debug/pprof/heap" }
  limits: { memory: 512Mi }
  metrics:
    error_rate:
      role: errors
      query: (sum(rate(http_requests_total{job="checkout",code=~"5.."}[$window])) or vector(0)) / clamp_min(sum(rate(http_requests_total{job="checkout"}[$window])), 1e-9)
      series: (sum by (${by}) (rate(http_requests_total{job="checkout",code=~"5.."}[$window])) or 0 * sum by (${by}) (rate(http_requests_total{job="checkout"}[$window]))) / clamp_min(sum by (${by}) (rate(http_requests_total{job="checkout"}[$window])), 1e-9)
      unit: ratio
    latency_p95:
      role: latency
      query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout"}[$window])))
      series: histogram_quantile(0.95, sum by (le, ${by}) (rate(http_request_duration_seconds_bucket{job="checkout"}[$window])))
      unit: seconds
    requests:
      role: traffic
      query: sum(rate(http_requests_total{job="checkout"}[$window]))
      series: sum by (${by}) (rate(http_requests_total{job="checkout"}[$window]))
      unit: per-second
    goroutines:
      role: goroutines
      query: max(go_goroutines{job="checkout"})
      series: go_goroutines{job="checkout"}
    memory_heap:
      role: memory
      query: max(go_memstats_heap_alloc_bytes{job="checkout"})
      series: go_memstats_heap_alloc_bytes{job="checkout"}
      unit: bytes
    process_start:
      role: started
      query: max(process_start_time_seconds{job="checkout"})
      series: process_start_time_seconds{job="checkout"}
  databases: [{ name: shop, engine: postgres }]
  inspections:
    - { name: goroutine-leak, metric: goroutines, detect: leak, every: ${every}, window: ${window}, remediate: rolling-restart@1 }
    - { name: errors, metric: error_rate, detect: anomaly, every: ${every}, window: ${window} }${more}
`;
}

/** Three instances at a time (one per datacenter), two seconds apart, gated on errors. */
const labRollingRestart = `apiVersion: zeroops.dev/v1
kind: Template
metadata: { name: rolling-restart }
spec:
  kind: Restart
  versions:
    - version: 1
      defaults:
        batchSize: 3
        interval: 2s
        analysis:
          - { metric: error_rate, max: 5%, window: 3s }
`;

/** The config for the patrol on the lab: its Prometheus and HAProxy, a scrape every second, and the autonomy given. */
/** The config the patrol puts in place keeps the shop database, by the variable the example config names. */
const shopDatabase = '\n    postgres: { databases: { shop: { url: { env: SHOP_DATABASE_URL } } } }';

export function patrolConfig(lab: Lab, autonomy: Autonomy = 'confirm'): string {
  return `apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: production
  providers:
    prometheus: { url: "${lab.prometheus!.url}", scrapeInterval: 1s }
    haproxy: { socket: "${lab.haproxy!.socketPath}" }${lab.postgres ? shopDatabase : ''}
  policy: { defaultApprovals: 1, requireOwner: true }
  autonomy: { default: ${autonomy} }
  incidents: { resolvedAfter: 20s }
`;
}

/** The ops repo's files that put checkout under the patrol on the lab. */
export function patrolFiles(
  lab: Lab,
  autonomy: Autonomy = 'confirm',
  service: Parameters<typeof patrolService>[0] = {},
): Record<string, string> {
  return {
    'services/checkout.yaml': patrolService(service),
    'templates/rolling-restart.yaml': labRollingRestart,
    '.zeroops/config.yaml': patrolConfig(lab, autonomy),
  };
}

/** A deploy of \`version\` to every instance, undone by deploying \`previous\` again. */
export function deployTask(name: string, version: string, previous: string, instances: string[]): string {
  const step = (v: string) =>
    `{ provider: command, operation: run, params: { argv: [scripts/deploy-version.sh, ${v}, ${instances.join(', ')}] } }`;
  return `apiVersion: zeroops.dev/v1
kind: Runbook
metadata: { name: ${name}, service: checkout }
spec:
  steps:
    - name: deploy
      action: ${step(version)}
      undo: ${step(previous)}
      timeout: 2m
`;
}
