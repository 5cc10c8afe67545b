/** Prometheus scraping the fleet and HAProxy every second. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../../src/observe/metrics-source.js';
import { PrometheusSource } from '../../src/providers/prometheus/prometheus-source.js';
import { freePort } from '../ports.js';
import type { ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

export interface PrometheusComponent {
  url: string;
  pid: number;
  /** Instant query through ZeroOps' own Prometheus adapter; the samples. */
  query(promql: string): Promise<Sample[]>;
}

export interface ScrapeTargets {
  /** The service's job name (its name), as its metric queries select it with job="…". */
  job: string;
  instances: string[];
  haproxy: string[];
}

export async function startPrometheus(
  group: ProcessGroup,
  dir: string,
  targets: ScrapeTargets,
): Promise<PrometheusComponent> {
  const port = await freePort();
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        // JSON is YAML
        global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
        scrape_configs: [
          { job_name: targets.job, static_configs: [{ targets: targets.instances }] },
          { job_name: 'haproxy', static_configs: [{ targets: targets.haproxy }] },
        ],
      },
      null,
      2,
    ),
  );
  const started = group.spawn('prometheus', 'prometheus', {
    args: [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      '--storage.tsdb.retention.time=1d',
    ],
  });
  const url = `http://127.0.0.1:${port}`;
  const source = new PrometheusSource(url);
  const query = (promql: string) => source.instant(promql);
  const expected = targets.instances.length + targets.haproxy.length;
  // Prometheus picks up targets on a ~5 s tick: ready means every target scraped and up.
  await waitUntil(
    started,
    async () => Number((await query('count(up == 1)'))[0]?.value ?? 0) === expected,
    `scrape all ${expected} targets`,
    60_000,
  );
  return { url, pid: started.pid, query };
}
