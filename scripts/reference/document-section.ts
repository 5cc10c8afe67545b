// One section per document kind: what it is, where it goes, whether it executes, and the table of its fields.
import { fieldsOf, type Field } from './fields.js';
import type { JsonSchema } from './json-schema.js';
import { table, yamlCode } from './markdown.js';

export interface DocumentKind {
  kind: string;
  /** Its schema file, relative to the repository root. */
  schemaPath: string;
  schema: JsonSchema;
  /** Where it is written in an ops repo. */
  place: string;
  /** For task kinds: whether this version carries out their plans on merge. */
  /** True, false, or when it does, in words. */
  executes?: boolean | string;
  requiredLater?: readonly string[];
}

export function documentSection(document: DocumentKind, defs: JsonSchema): string {
  const { kind, schema } = document;
  const rows = fieldsOf(schema, defs, document.requiredLater).map(row);
  return [
    `## ${kind}`,
    schema.description ?? '',
    [
      `Written in ${document.place}; its schema is [\`${document.schemaPath}\`](../${document.schemaPath}).`,
      'Keys not listed here are errors.',
      ...(document.executes === undefined ? [] : [executes(kind, document.executes)]),
    ].join(' '),
    table(['Field', 'Type', 'Required', 'Default', 'Description', 'Example'], rows),
  ].join('\n\n');
}

function executes(kind: string, yes: boolean | string): string {
  if (typeof yes === 'string') return `This version executes a ${kind} ${yes}.`;
  return yes
    ? `This version executes a ${kind} when its approved pull request is merged.`
    : `**This version plans and approves a ${kind} but does not execute it**: merging one runs nothing.`;
}

function row(field: Field): string[] {
  const fallback = !field.default ? '' : 'value' in field.default ? yamlCode(field.default.value) : field.default.words;
  return [
    `\`${field.path}\``,
    field.type,
    field.required,
    fallback,
    field.description ?? '',
    field.example ? yamlCode(field.example.value) : '',
  ];
}
