/**
 * A Go heap profile (pprof's protocol buffer, gzipped as /debug/pprof/heap serves it) reduced to
 * what the diagnosis reads: bytes in use by allocation site, the innermost frame that is not the
 * runtime's. Pure.
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { HeapProfile, StackGroup } from '../../diagnose/signals.js';

const runtimeFrame = /^(runtime|internal|sync|reflect)\./;

export function decodeHeapProfile(bytes: Uint8Array): Pick<HeapProfile, 'total' | 'groups'> {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  let profile: Profile;
  try {
    profile = Profile.decode(raw);
  } catch (error) {
    throw new Error(`not a pprof profile: ${(error as Error).message}`);
  }
  const text = (index: number | bigint) => profile.stringTable.strings[Number(index)] ?? '';
  const inUse = profile.sampleType.findIndex((t) => text(t.type) === 'inuse_space');
  if (inUse < 0)
    throw new Error(
      `not a heap profile: its sample types are ${profile.sampleType.map((t) => text(t.type)).join(', ') || 'none'}`,
    );
  const functions = new Map(profile.function.map((f) => [Number(f.id), f]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  const frameOf = (locationId: number | bigint) =>
    // Inlined calls come first in a location's lines, innermost first.
    (locations.get(Number(locationId))?.line ?? []).map((line) => {
      const fn = functions.get(Number(line.functionId));
      return { fn: text(fn?.name ?? 0), location: `${shortPath(text(fn?.filename ?? 0))}:${Number(line.line)}` };
    });
  const bytesBySite = new Map<string, StackGroup>();
  let total = 0;
  for (const sample of profile.sample) {
    const value = Number(sample.value[inUse] ?? 0);
    if (value <= 0) continue;
    total += value;
    const frames = sample.locationId.flatMap(frameOf);
    const own = frames.find((f) => f.fn && !runtimeFrame.test(f.fn)) ?? frames[0];
    if (!own) continue;
    const key = `${own.fn}\t${own.location}`;
    const group = bytesBySite.get(key) ?? { function: own.fn, location: own.location, count: 0 };
    group.count += value;
    bytesBySite.set(key, group);
  }
  return { total, groups: [...bytesBySite.values()].sort((a, b) => b.count - a.count) };
}

/** The last two path segments are enough to find a file (`service/cache.go:42`). */
const shortPath = (path: string) => path.split('/').slice(-2).join('/');
