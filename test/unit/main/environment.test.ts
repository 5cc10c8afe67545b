/**
 * One list of environment variables: every variable src/main reads is in it, the README's table
 * names each of them, and each command's help prints those it reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environment, environmentHelp } from '../../../src/main/environment.js';

const mainDir = new URL('../../../src/main/', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const read = (file: string) => readFileSync(file, 'utf8');
const names = environment.map((v) => v.name);

describe('environment variables', () => {
  it('lists every variable src/main reads', () => {
    // env.NAME, env['NAME'], and helpers called as (env, 'NAME', …)
    const reads = /\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\]|, '([A-Z][A-Z0-9_]+)')/g;
    const used = new Set(
      sources(mainDir).flatMap((file) => [...read(file).matchAll(reads)].map((m) => m[1] ?? m[2] ?? m[3]!)),
    );
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !names.includes(name))).toEqual([]);
  });

  it("is the README's table", () => {
    const readme = read(new URL('../../../README.md', import.meta.url).pathname);
    const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
    expect(names.filter((name) => !rows.some((row) => row.includes(`\`${name}\``)))).toEqual([]);
  });

  it("is in each command's help", () => {
    for (const command of ['start', 'worker', 'audit', 'setup'] as const) {
      const help = environmentHelp(command);
      const expected = environment.filter((v) => v.commands.includes(command)).map((v) => v.name);
      expect(expected.filter((name) => !new RegExp(`^  ${name} `, 'm').test(help))).toEqual([]);
    }
    expect(environmentHelp('validate')).toBe('');
  });
});
