/**
 * Services and templates mutated at random (a seeded walk: values of the wrong type, out of range,
 * missing, odd text): every mutation must end in findings or plans, never an internal error.
 */
import { parse, stringify } from 'yaml';
import type { ManifestFile } from '../../../src/manifest/load.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

const mutations = Number(process.env.FUZZ_MUTATIONS ?? 2000);

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const oddValues: unknown[] = [
  null,
  0,
  -1,
  1e9,
  0.5,
  '',
  ' ',
  'x'.repeat(300),
  'a|b`c',
  '0%',
  '150%',
  '-5%',
  '1h',
  '0s',
  'dc-z',
  [],
  {},
  [null],
  { a: 1 },
  true,
  'scripts/../x',
  '@alice',
];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(doc: Record<string, unknown>, next: () => number): void {
  const candidates = paths(doc).filter((p) => p.length > 1);
  const path = candidates[Math.floor(next() * candidates.length)]!;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, doc);
  const key = path.at(-1)!;
  if (next() < 0.2 && !Array.isArray(parent)) delete parent[key];
  else parent[key] = structuredClone(oddValues[Math.floor(next() * oddValues.length)]);
}

it(`plans the example repo through ${mutations} mutations of its services and templates without an internal error`, async () => {
  const repo = await templateRepoFiles();
  const mutable = repo.filter((f) => f.path.startsWith('services/') || f.path.startsWith('templates/'));
  const next = random(20261201);
  const internal: string[] = [];
  for (let i = 0; i < mutations; i++) {
    const target = mutable[Math.floor(next() * mutable.length)]!;
    const doc = parse(target.text) as Record<string, unknown>;
    mutate(doc, next);
    const files: ManifestFile[] = repo.map((f) => (f === target ? { path: f.path, text: stringify(doc) } : f));
    const { diagnostics } = await checkAndPlan({
      files: files.filter((f) => f.path.startsWith('tasks/')),
      context: files.filter((f) => !f.path.startsWith('tasks/')),
    });
    for (const d of diagnostics.filter((d) => d.message.includes('internal error')))
      internal.push(`mutation ${i} of ${target.path}: ${d.file}:${d.line} ${d.message}`);
  }
  expect(internal).toEqual([]);
});
