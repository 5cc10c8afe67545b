/** Profiles taken at two moments: heap profiles are asked to collect first, so the two differ by what grew. */
import { collectProfiles } from '../../../src/app/collect-signals.js';
import type { ProfileSource } from '../../../src/app/ports.js';

function recording(): ProfileSource & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      return 'goroutine profile: total 0\n';
    },
    fetchHeap: async (url) => {
      urls.push(url);
      return { total: 0, groups: [] };
    },
  };
}

const target = (urlTemplate: string) => ({
  urlTemplate,
  addresses: new Map([['checkout-a1', '127.0.0.1:9001']]),
  instances: ['checkout-a1', 'checkout-b1'],
});
const clock = () => new Date('2026-12-02T10:00:00Z');

describe('collecting profiles', () => {
  it('asks Go for a collection before each heap profile, unless the URL says otherwise', async () => {
    const source = recording();
    const heap = await collectProfiles(source, 'heap', target('http://{address}/debug/pprof/heap'), 0, clock);
    expect(source.urls).toEqual([
      'http://127.0.0.1:9001/debug/pprof/heap?gc=1',
      'http://127.0.0.1:9001/debug/pprof/heap?gc=1',
    ]);
    expect(heap.profiles).toHaveLength(2);
    expect(heap.gaps).toEqual([
      { source: 'heap profile of checkout-b1', reason: 'no scrape address known' },
      { source: 'heap profile of checkout-b1', reason: 'no scrape address known' },
    ]);
    const own = recording();
    await collectProfiles(own, 'heap', target('http://{address}/heap?seconds=0&gc=0'), 0, clock);
    expect(own.urls[0]).toBe('http://127.0.0.1:9001/heap?seconds=0&gc=0');
    const goroutines = recording();
    await collectProfiles(goroutines, 'goroutines', target('http://{address}/debug/pprof/goroutine?debug=1'), 0, clock);
    expect(goroutines.urls[0]).toBe('http://127.0.0.1:9001/debug/pprof/goroutine?debug=1');
  });
});
