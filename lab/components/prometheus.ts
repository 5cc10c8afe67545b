/** Prometheus scraping the fleet and HAProxy every second. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import type { ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

export interface PrometheusComponent {
  url: string;
  pid: number;
  /** Instant query; the result vector. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

export interface ScrapeTargets {
  checkout: string[];
  haproxy: string[];
}

export async function startPrometheus(group: ProcessGroup, dir: string, targets: ScrapeTargets): Promise<PrometheusComponent> {
  const port = await freePort();
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(configPath, JSON.stringify({ // JSON is YAML
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: [
      { job_name: 'checkout', static_configs: [{ targets: targets.checkout }] },
      { job_name: 'haproxy', static_configs: [{ targets: targets.haproxy }] },
    ],
  }, null, 2));
  const started = group.spawn('prometheus', 'prometheus', {
    args: [`--config.file=${configPath}`, `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1d'],
  });
  const url = `http://127.0.0.1:${port}`;
  const query = async (promql: string) => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = await response.json() as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
    return body.data.result;
  };
  const expected = targets.checkout.length + targets.haproxy.length;
  // Prometheus picks up targets on a ~5 s tick: ready means every target scraped and up.
  await waitUntil(started, async () => Number((await query('count(up == 1)'))[0]?.value[1] ?? 0) === expected,
    `scrape all ${expected} targets`, 60_000);
  return { url, pid: started.pid, query };
}
