/**
 * The JSON Schemas as an ops repo of its own carries them: each file self-contained (the shared
 * definitions copied in, every reference local), so any editor resolves them offline, plus one
 * schema for task files that picks the kind's schema from `kind`.
 */
import { documentKinds, readSchema, schemaFileOf, taskKinds } from '../schemas.js';

type Json = Record<string, unknown>;

/** `defs.schema.json#/definitions/X` becomes `#/definitions/X`, everywhere in the document. */
function localRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(/^defs\.schema\.json#/, '#') : localRefs(value),
    ]),
  );
}

function standalone(schema: Json, definitions: Json): Json {
  const { $id: _id, ...rest } = schema;
  return localRefs({ ...rest, definitions: { ...definitions, ...((rest.definitions as Json) ?? {}) } }) as Json;
}

/** File name → JSON text, for `schemas/` of an ops repo. */
export function standaloneSchemas(): Record<string, string> {
  const definitions = (readSchema('defs').definitions ?? {}) as Json;
  const files: Record<string, string> = {};
  for (const kind of documentKinds) {
    const name = schemaFileOf(kind);
    files[`${name}.schema.json`] = `${JSON.stringify(standalone(readSchema(name), definitions), null, 2)}\n`;
  }
  files['task.schema.json'] = `${JSON.stringify(taskSchema(), null, 2)}\n`;
  return files;
}

/** Any task: `kind` picks the schema its other fields follow (editors complete both). */
function taskSchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ZeroOps task',
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: [...taskKinds] } },
    allOf: taskKinds.map((kind) => ({
      if: { properties: { kind: { const: kind } } },
      then: { $ref: `${schemaFileOf(kind)}.schema.json` },
    })),
  };
}
