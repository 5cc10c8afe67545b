/** The JSON Schemas of schemas/, compiled once per process (ajv, all errors). */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const taskKinds = [
  'Rollout',
  'TrafficShift',
  'Restart',
  'Scale',
  'ConfigUpdate',
  'SchemaChange',
  'Runbook',
] as const;
export type TaskKind = (typeof taskKinds)[number];
export const documentKinds = [...taskKinds, 'Service', 'Config', 'Template'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const schemaFiles: Record<DocumentKind, string> = {
  Rollout: 'rollout',
  TrafficShift: 'traffic-shift',
  Restart: 'restart',
  Scale: 'scale',
  ConfigUpdate: 'config-update',
  SchemaChange: 'schema-change',
  Runbook: 'runbook',
  Service: 'service',
  Config: 'config',
  Template: 'template',
};

/** The file name of a kind's schema in schemas/ (without `.schema.json`). */
export const schemaFileOf = (kind: DocumentKind) => schemaFiles[kind];

const schemasDir = new URL('../../schemas/', import.meta.url);

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, schemasDir), 'utf8'));
}

export const isDocumentKind = (kind: unknown): kind is DocumentKind =>
  typeof kind === 'string' && (documentKinds as readonly string[]).includes(kind);
export const isTaskKind = (kind: unknown): kind is TaskKind =>
  typeof kind === 'string' && (taskKinds as readonly string[]).includes(kind);

let validators: Map<DocumentKind, ValidateFunction> | undefined;

export function validatorFor(kind: DocumentKind): ValidateFunction {
  validators ??= compileAll();
  return validators.get(kind)!;
}

function compileAll(): Map<DocumentKind, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema(readSchema('defs'));
  return new Map(documentKinds.map((kind) => [kind, ajv.compile(readSchema(schemaFiles[kind]))]));
}

const specFields = new Map<TaskKind, string[]>();

/** The spec fields a kind accepts, for checking template defaults. */
export function specFieldsOf(kind: TaskKind): string[] {
  if (!specFields.has(kind)) {
    const schema = readSchema(schemaFiles[kind]) as { properties: { spec: { properties: Record<string, unknown> } } };
    specFields.set(kind, Object.keys(schema.properties.spec.properties));
  }
  return specFields.get(kind)!;
}
