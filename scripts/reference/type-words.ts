// A field's type in plain words: enums and patterns spelled out, named value types linked to their glossary.
import { resolve, type JsonSchema } from './json-schema.js';
import { code } from './markdown.js';

/** The definitions of defs.schema.json that are values a person writes, by the word the tables use. */
export const valueTypes: Record<string, string> = {
  Name: 'name',
  HAProxyName: 'HAProxy name',
  Duration: 'duration',
  Percent: 'percentage',
  Threshold: 'limit',
  SecretRef: 'secret reference',
};

const scalarWords: Record<string, string> = {
  string: 'text',
  integer: 'integer',
  number: 'number',
  boolean: 'true or false',
  object: 'mapping',
  array: 'list',
};

export function typeWords(schema: JsonSchema, defs: JsonSchema, def?: string): string {
  if (def && valueTypes[def]) return `[${valueTypes[def]}](#value-types)`;
  if (schema.const !== undefined) return `exactly ${code(schema.const)}`;
  if (schema.enum) return `one of ${schema.enum.map(code).join(', ')}`;
  if (schema.type === 'array') return listWords(schema, defs);
  if (schema.type === 'object') return mappingWords(schema, defs);
  if (schema.type === 'string') return textWords(schema);
  if (schema.type === 'integer' || schema.type === 'number') return numberWords(schema);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any value'];
  return joinOr(types.map((t) => scalarWords[t] ?? t));
}

function listWords(schema: JsonSchema, defs: JsonSchema): string {
  const item = schema.items ? resolve(schema.items, defs) : undefined;
  const of = !item
    ? 'list'
    : item.schema.properties
      ? 'list of mappings'
      : `list of ${typeWords(item.schema, defs, item.def)}`;
  return schema.minItems ? `${of}, at least ${schema.minItems}` : of;
}

function mappingWords(schema: JsonSchema, defs: JsonSchema): string {
  if (schema.properties) return 'mapping';
  if (typeof schema.additionalProperties !== 'object') return 'mapping of any keys';
  const value = resolve(schema.additionalProperties, defs);
  const of = value.schema.properties ? 'mapping' : typeWords(value.schema, defs, value.def);
  return `map: name → ${of}${schema.minProperties ? `, at least ${schema.minProperties} entry` : ''}`;
}

function textWords(schema: JsonSchema): string {
  if (schema.format === 'date-time') return 'date and time (ISO 8601)';
  if (schema.pattern) return `text matching ${code(schema.pattern)}`;
  return schema.minLength ? 'text, not empty' : 'text';
}

function numberWords(schema: JsonSchema): string {
  const word = scalarWords[schema.type as string]!;
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    return `${word}, ${schema.minimum} to ${schema.maximum}`;
  return schema.minimum !== undefined ? `${word}, at least ${schema.minimum}` : word;
}

const joinOr = (words: string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
