// The part of JSON Schema that schemas/ uses, and how a `$ref` into defs.schema.json is followed.

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minProperties?: number;
  title?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
}

export interface Resolved {
  schema: JsonSchema;
  /** The definition of defs.schema.json it refers to, if any. */
  def?: string;
}

/** A `$ref`'s definition with the referring node's own keywords on top (a field's description beats its type's). */
export function resolve(node: JsonSchema, defs: JsonSchema): Resolved {
  if (!node.$ref) return { schema: node };
  const def = node.$ref.split('/definitions/')[1];
  const target = def === undefined ? undefined : defs.definitions?.[def];
  if (!target) throw new Error(`cannot follow $ref ${node.$ref}`);
  const { $ref: _, ...own } = node;
  return { schema: { ...resolve(target, defs).schema, ...own }, def };
}

/** The fields of a mapping's entries: its properties, or those of each item or map value that is a mapping. */
export function nestedOf(schema: JsonSchema, defs: JsonSchema): { suffix: string; of: JsonSchema } | undefined {
  if (schema.properties) return { suffix: '', of: schema };
  const inner =
    schema.items ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
  if (!inner) return undefined;
  const resolved = resolve(inner, defs).schema;
  if (!resolved.properties) return undefined;
  return { suffix: schema.items ? '[]' : '.<name>', of: resolved };
}
