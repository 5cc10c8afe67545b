/** A Go heap profile (pprof, gzipped) read as bytes in use by allocation site, runtime frames skipped. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Function as PprofFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { decodeHeapProfile } from '../../../src/providers/pprof/heap-decode.js';

/** A heap profile as Go writes it: four sample types, stacks innermost first, one inlined call. */
function goHeapProfile(sampleTypes = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']): Uint8Array {
  const strings = new StringTable();
  const s = (text: string) => strings.dedup(text);
  const fn = (id: number, name: string, file: string) =>
    new PprofFunction({ id, name: s(name), systemName: s(name), filename: s(file) });
  const functions = [
    fn(1, 'runtime.mallocgc', '/usr/lib/go/src/runtime/malloc.go'),
    fn(2, 'main.filled', '/src/sample-service/notifier.go'),
    fn(3, 'main.(*faults).run', '/src/sample-service/faults.go'),
    fn(4, 'main.(*cache).put', '/src/sample-service/cache.go'),
  ];
  const at = (id: number, ...lines: [number, number][]) =>
    new Location({ id, line: lines.map(([functionId, line]) => new Line({ functionId, line })) });
  const locations = [
    at(1, [1, 1000]),
    // main.filled inlined into main.(*faults).run: the inlined call first.
    at(2, [2, 30], [3, 77]),
    at(3, [4, 12]),
  ];
  const sample = (locationId: number[], inUse: number) =>
    new Sample({ locationId, value: sampleTypes.map((t) => (t === 'inuse_space' ? inUse : 1)) });
  const profile = new Profile({
    sampleType: sampleTypes.map((t) => new ValueType({ type: s(t), unit: s(t.endsWith('space') ? 'bytes' : 'count') })),
    sample: [sample([1, 2], 40 * 2 ** 20), sample([1, 2], 8 * 2 ** 20), sample([3], 2 ** 20), sample([3], 0)],
    location: locations,
    function: functions,
    stringTable: strings,
  });
  return gzipSync(profile.encode());
}

it('sums the bytes in use per allocation site, named by its innermost frame that is not the runtime', () => {
  expect(decodeHeapProfile(goHeapProfile())).toEqual({
    total: 49 * 2 ** 20,
    groups: [
      { function: 'main.filled', location: 'sample-service/notifier.go:30', count: 48 * 2 ** 20 },
      { function: 'main.(*cache).put', location: 'sample-service/cache.go:12', count: 2 ** 20 },
    ],
  });
});

it('reads an uncompressed profile too', () => {
  expect(decodeHeapProfile(gunzipSync(goHeapProfile())).total).toBe(49 * 2 ** 20);
});

it('says what is wrong with something that is not a heap profile', () => {
  expect(() => decodeHeapProfile(goHeapProfile(['samples', 'cpu']))).toThrow(
    'not a heap profile: its sample types are samples, cpu',
  );
  expect(() => decodeHeapProfile(new TextEncoder().encode('goroutine profile: total 3\n'))).toThrow(
    /^not a pprof profile/,
  );
});
