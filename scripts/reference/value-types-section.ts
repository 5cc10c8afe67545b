// The glossary of value types the tables link to: how each is written, from defs.schema.json.
import type { JsonSchema } from './json-schema.js';
import { code, table, yamlCode } from './markdown.js';
import { valueTypes } from './type-words.js';

export function valueTypesSection(defs: JsonSchema): string {
  const rows = Object.entries(valueTypes).map(([def, word]) => {
    const schema = defs.definitions?.[def];
    if (!schema) throw new Error(`defs.schema.json has no definition ${def}`);
    return [word, writtenAs(schema), schema.examples?.length ? yamlCode(schema.examples[0]) : ''];
  });
  return [
    '## Value types',
    'Values the tables name by their type, as `schemas/defs.schema.json` defines them.',
    table(['Type', 'Written as', 'Example'], rows),
  ].join('\n\n');
}

function writtenAs(schema: JsonSchema): string {
  const parts = [schema.description ?? ''];
  if (schema.pattern) parts.push(`Pattern: ${code(schema.pattern)}.`);
  if (schema.maxLength) parts.push(`At most ${schema.maxLength} characters.`);
  for (const [name, field] of Object.entries(schema.properties ?? {}))
    parts.push(`${code(name)}: ${field.description ?? ''}${field.pattern ? ` Pattern: ${code(field.pattern)}.` : ''}`);
  return parts.filter(Boolean).join(' ');
}
