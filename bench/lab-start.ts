/**
 * How long the lab takes to start: cold (the Go service built from scratch, empty Go build cache)
 * and warm (binary cached), with the time at which each component became ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../lab/lab.js';
import { median, table } from './stats.js';

interface Run {
  total: number;
  events: Map<string, number>;
}

async function timedStart(): Promise<Run> {
  const started = performance.now();
  const events = new Map<string, number>();
  const lab = await startLab({
    onProgress: (event) => events.set(event.replace(/^\d+ /, 'N ').replace(/ \(.*$/, ''), performance.now() - started),
  });
  const total = performance.now() - started;
  await lab.stop();
  return { total, events };
}

export async function labStart(): Promise<void> {
  const cold: Run[] = [];
  for (let i = 0; i < 2; i++) {
    const caches = mkdtempSync(join(tmpdir(), 'zeroops-bench-cache-'));
    const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, GOCACHE: process.env.GOCACHE };
    Object.assign(process.env, { XDG_CACHE_HOME: caches, GOCACHE: join(caches, 'go-build') });
    try {
      cold.push(await timedStart());
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      rmSync(caches, { recursive: true, force: true });
    }
  }
  const warm: Run[] = [];
  for (let i = 0; i < 3; i++) warm.push(await timedStart());
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const events = [...new Set([...cold, ...warm].flatMap((r) => [...r.events.keys()]))];
  const at = (runs: Run[], event: string) => {
    const times = runs.flatMap((r) => (r.events.has(event) ? [r.events.get(event)!] : []));
    return times.length ? seconds(median(times)) : '—';
  };
  console.log(`\n## Lab start (all components; cold: ${cold.length} runs, warm: ${warm.length} runs, medians)\n`);
  console.log(
    table([
      ['', 'cold', 'warm'],
      ['whole lab ready', seconds(median(cold.map((r) => r.total))), seconds(median(warm.map((r) => r.total)))],
      ...events.map((event) => [`  ${event}`, at(cold, event), at(warm, event)]),
    ]),
  );
}
