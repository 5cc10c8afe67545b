/** Chapter: the live traffic split per datacenter, as the load generator sees it. */
import { sleep } from '../wait.js';
import type { Chapter } from './chapters.js';

export const trafficChapter: Chapter = {
  title: 'Live traffic, per datacenter',
  async run(context) {
    const load = context.lab!.load!;
    console.log('Requests from the seeded user population, as answered through HAProxy, over 3 seconds:\n');
    const mark = load.mark();
    await sleep(3000);
    const seen = load.since(mark);
    for (const [dc, n] of Object.entries(seen.byDc).sort()) {
      const share = n / seen.total;
      console.log(`  ${dc.padEnd(6)} ${'█'.repeat(Math.round(share * 40)).padEnd(40)} ${(share * 100).toFixed(0).padStart(3)}%  (${n} requests)`);
    }
    const ok = seen.byStatus['200'] ?? 0;
    console.log(`\n  ${seen.total} requests, ${ok} answered 200, mean latency ${(seen.latencyMsSum / Math.max(1, seen.total)).toFixed(1)} ms.`);
    const [up] = await context.lab!.prometheus!.query('sum by (dc) (rate(http_requests_total{job="checkout"}[5s]))');
    console.log(`  Prometheus sees the same traffic (e.g. ${up?.metric.dc}: ${Number(up?.value[1] ?? 0).toFixed(1)} requests/s).`);
    console.log('\nNext in this story (coming with execution): merge, approve, drain dc-a for real, and watch this split change.');
  },
};
