/**
 * Go goroutine profiles in their text form (`/debug/pprof/goroutine?debug=1`): a header with the
 * total, then one group per distinct stack — `<count> @ <pcs>` and frames `#\t<pc>\t<func>+<off>\t<file>:<line>`.
 * A group is named after its innermost frame that is not the runtime's own (where the goroutines
 * actually wait in the program's code). Diffing two profiles of one instance finds the functions
 * whose goroutines grow. Pure.
 */
import type { GoroutineProfile, StackGroup } from './signals.js';

const runtimeFrame = /^(runtime|internal|sync|syscall|net\/http|net\.|net\/|io\.|bufio\.|time\.)/;

export function parseGoroutineProfile(text: string, instance: string, at: number): GoroutineProfile {
  const total = Number(/goroutine profile: total (\d+)/.exec(text)?.[1] ?? NaN);
  const groups: StackGroup[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const count = Number(/^(\d+) @/m.exec(block)?.[1]);
    if (!Number.isFinite(count)) continue;
    const frames = [...block.matchAll(/^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(\S+:\d+)\s*$/gm)].map((m) => ({
      fn: m[1]!,
      location: m[2]!,
    }));
    const own = frames.find((f) => !runtimeFrame.test(f.fn)) ?? frames[0];
    if (own) groups.push({ function: own.fn, location: shortPath(own.location), count });
  }
  return { instance, at, total: Number.isFinite(total) ? total : groups.reduce((s, g) => s + g.count, 0), groups };
}

/** The last two path segments are enough to find a file (`service/notifier.go:42`). */
const shortPath = (location: string) => location.split('/').slice(-2).join('/');

export interface Growth {
  function: string;
  location: string;
  /** Goroutines in the function at the later profiles, summed over instances. */
  count: number;
  /** Goroutines added per second between the two profiles, summed over instances. */
  perSecond: number;
  instances: string[];
}

/**
 * Functions whose goroutines (or, given heap profiles, bytes in use) grew between each instance's
 * earliest and latest profile, fastest first.
 */
export function growingFunctions(profiles: readonly GoroutineProfile[]): Growth[] {
  const byInstance = new Map<string, GoroutineProfile[]>();
  for (const p of profiles) byInstance.set(p.instance, [...(byInstance.get(p.instance) ?? []), p]);
  const growth = new Map<string, Growth>();
  for (const [instance, list] of byInstance) {
    const [first, last] = [...list].sort((a, b) => a.at - b.at).filter((_, i, all) => i === 0 || i === all.length - 1);
    if (!first || !last || last.at <= first.at) continue;
    for (const [key, count] of counts(last)) {
      const added = count - (counts(first).get(key) ?? 0);
      if (added <= 0) continue;
      const [fn, location] = key.split('\t') as [string, string];
      const entry = growth.get(key) ?? { function: fn, location, count: 0, perSecond: 0, instances: [] };
      entry.count += count;
      entry.perSecond += added / (last.at - first.at);
      entry.instances.push(instance);
      growth.set(key, entry);
    }
  }
  return [...growth.values()].sort((a, b) => b.perSecond - a.perSecond);
}

function counts(profile: GoroutineProfile): Map<string, number> {
  const map = new Map<string, number>();
  for (const g of profile.groups)
    map.set(`${g.function}\t${g.location}`, (map.get(`${g.function}\t${g.location}`) ?? 0) + g.count);
  return map;
}
