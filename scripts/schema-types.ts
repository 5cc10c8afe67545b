// Generates TypeScript types from schemas/*.schema.json, so the types cannot drift from the schemas:
// `npm run schemas:types` writes them, and a test fails when the committed file is stale.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

export const schemasDir = new URL('../schemas/', import.meta.url).pathname;
export const generatedTypesPath = new URL('../src/manifest/schema-types.generated.ts', import.meta.url).pathname;

const documents = [
  'rollout',
  'traffic-shift',
  'restart',
  'scale',
  'config-update',
  'schema-change',
  'runbook',
  'service',
  'config',
  'template',
];

export async function generateSchemaTypes(): Promise<string> {
  const parts = ['/* eslint-disable */', '// Generated from schemas/ by `npm run schemas:types`. Do not edit.', ''];
  const seen = new Set<string>();
  for (const name of documents) {
    const schema = JSON.parse(await readFile(join(schemasDir, `${name}.schema.json`), 'utf8'));
    const ts = await compile(schema, schema.title, {
      cwd: schemasDir,
      bannerComment: '',
      additionalProperties: false,
      format: true,
      ignoreMinAndMaxItems: true,
      style: { singleQuote: true, printWidth: 110 },
    });
    parts.push(dropRepeatedDeclarations(ts, seen));
  }
  return parts.join('\n');
}

/** Shared definitions are emitted with every document that references them; keep the first. */
function dropRepeatedDeclarations(ts: string, seen: Set<string>): string {
  const blocks = ts.split(/\n(?=(?:\/\*\*[\s\S]*?\*\/\n)?export )/);
  return blocks
    .filter((block) => {
      const name = /export (?:interface|type) (\w+)/.exec(block)?.[1];
      if (!name) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    })
    .join('\n');
}
