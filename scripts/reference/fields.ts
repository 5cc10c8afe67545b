// Every field of a document's schema, depth first, with what the reference's table says about it.
import { nestedOf, resolve, type JsonSchema } from './json-schema.js';
import { typeWords, valueTypes } from './type-words.js';

export interface Field {
  /** e.g. `spec.analysis[].metric`; a key of one's choosing is `<name>`. */
  path: string;
  type: string;
  required: 'yes' | 'no' | 'yes, here or in the template';
  /** The `default` keyword, else the last sentence of the description when it starts with "Default:". */
  default?: { value: unknown } | { words: string };
  description?: string;
  example?: { value: unknown };
  /** A field with no fields of its own: the kind a person writes a value into. */
  leaf: boolean;
}

/**
 * @param requiredLater spec fields a task must set itself or through its template (checked after completion).
 */
export function fieldsOf(document: JsonSchema, defs: JsonSchema, requiredLater: readonly string[] = []): Field[] {
  const fields: Field[] = [];
  const walk = (node: JsonSchema, path: string, required: boolean) => {
    const { schema, def } = resolve(node, defs);
    // A value type (a secret reference) is explained once, under Value types, not field by field.
    const nested = def && valueTypes[def] ? undefined : nestedOf(schema, defs);
    const later = requiredLater.map((name) => `spec.${name}`).includes(path);
    fields.push({
      path,
      type: typeWords(schema, defs, def),
      required: required ? 'yes' : later ? 'yes, here or in the template' : 'no',
      ...described(schema, path),
      ...(schema.examples?.length || schema.const !== undefined
        ? { example: { value: schema.examples?.[0] ?? schema.const } }
        : {}),
      leaf: nested === undefined,
    });
    if (nested) walkProperties(nested.of, `${path}${nested.suffix}`);
  };
  const walkProperties = (schema: JsonSchema, prefix: string) => {
    for (const [name, node] of Object.entries(schema.properties ?? {}))
      walk(node, prefix ? `${prefix}.${name}` : name, schema.required?.includes(name) ?? false);
  };
  walkProperties(document, '');
  return fields;
}

const defaultSentence = /\s*Default: ([^]*?)\.?$/;

function described(schema: JsonSchema, path: string): Pick<Field, 'description' | 'default'> {
  const sentence = schema.description ? defaultSentence.exec(schema.description) : null;
  if (sentence && schema.default !== undefined)
    throw new Error(`${path}: a default both in \`default\` and in its description`);
  const description = sentence ? schema.description!.slice(0, sentence.index) : schema.description;
  const fallback =
    schema.default !== undefined ? { value: schema.default } : sentence ? { words: sentence[1]! } : undefined;
  return { ...(description ? { description } : {}), ...(fallback ? { default: fallback } : {}) };
}
