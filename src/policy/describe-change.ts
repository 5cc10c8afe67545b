/**
 * What a change to a governed YAML file does, in reviewers' words: every value that differs,
 * by its path (`spec.policy.defaultApprovals: 1 → 0`). Pure.
 */
import { loadYaml } from '../manifest/source.js';

const maxLines = 12;

export function describeYamlChange(path: string, before: string | undefined, after: string | undefined): string[] {
  const [old, next] = [documents(path, before), documents(path, after)];
  if (old === undefined || next === undefined) return ['the file does not parse as YAML: see the findings'];
  const keys = [...new Set([...old.keys(), ...next.keys()])];
  const lines = keys.flatMap((key) => {
    const [a, b] = [old.get(key), next.get(key)];
    if (a === undefined) return [`adds ${key}`];
    if (b === undefined) return [`removes ${key}`];
    return diffLeaves(flatten(a), flatten(b)).map((line) => (keys.length > 1 ? `${key}: ${line}` : line));
  });
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines), `… and ${lines.length - maxLines} more change(s)`];
}

export function describeTextChange(before: string | undefined, after: string | undefined): string[] {
  const count = (text: string | undefined) =>
    text === undefined ? 0 : text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).length;
  if (before === undefined) return [`adds the file (${count(after)} lines)`];
  if (after === undefined) return [`removes the file (${count(before)} lines)`];
  return [`changes its content (${count(before)} → ${count(after)} lines)`];
}

/** Documents of a file by kind and name, so reordering them is not a change. */
function documents(path: string, text: string | undefined): Map<string, unknown> | undefined {
  if (text === undefined) return new Map();
  const { documents: docs, diagnostics } = loadYaml(path, text);
  if (diagnostics.some((d) => d.severity === 'error')) return undefined;
  return new Map(
    docs.map((doc, i) => {
      const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
      const name = value?.metadata?.name;
      return [
        `${String(value?.kind ?? 'document')}${typeof name === 'string' ? ` ${name}` : docs.length > 1 ? ` #${i + 1}` : ''}`,
        doc.value,
      ];
    }),
  );
}

/** Leaves by path (the loader has already refused documents that contain themselves). */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix || '(value)', JSON.stringify(value));
  }
  return out;
}

function diffLeaves(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.flatMap((path) => {
    const [x, y] = [a.get(path), b.get(path)];
    if (x === y) return [];
    if (x === undefined) return [`\`${path}\`: set to ${y}`];
    if (y === undefined) return [`\`${path}\`: removed (was ${x})`];
    return [`\`${path}\`: ${x} → ${y}`];
  });
}
