/** Chapter: the live traffic split per datacenter, as the load generator sees it. */
import type { LoadGenerator } from '../components/load-generator.js';
import { sleep } from '../wait.js';
import type { Chapter } from './chapter.js';

export async function printSplit(load: LoadGenerator, seconds: number): Promise<void> {
  const mark = load.mark();
  await sleep(seconds * 1000);
  const seen = load.since(mark);
  for (const dc of ['dc-a', 'dc-b', 'dc-c']) {
    const n = seen.byDc[dc] ?? 0;
    const share = n / Math.max(1, seen.total);
    console.log(
      `  ${dc.padEnd(6)} ${'█'.repeat(Math.round(share * 40)).padEnd(40)} ${(share * 100).toFixed(0).padStart(3)}%  (${n} requests)`,
    );
  }
  const ok = seen.byStatus['200'] ?? 0;
  console.log(
    `  ${seen.total} requests in ${seconds}s, ${ok} answered 200, mean latency ${(seen.latencyMsSum / Math.max(1, seen.total)).toFixed(1)} ms.`,
  );
}

export const trafficChapter: Chapter = {
  name: 'traffic',
  needs: ['start'],
  title: 'Live traffic, per datacenter',
  async run(context) {
    console.log('Requests from the seeded user population, as answered through HAProxy, over 3 seconds:\n');
    await printSplit(context.lab!.load!, 3);
    const [up] = await context.lab!.prometheus!.query('sum by (dc) (rate(http_requests_total{job="checkout"}[5s]))');
    console.log(
      `  Prometheus sees the same traffic (e.g. ${up?.labels.dc}: ${(up?.value ?? 0).toFixed(1)} requests/s).`,
    );
  },
};
