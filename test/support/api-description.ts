/**
 * docs/openapi.yaml as a test reads it: the operations it describes, and each answer of the real
 * server checked against it (its status documented, its body valid against the schema, with ajv).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Operation = { responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> };
type Description = { paths: Record<string, Record<string, Operation>>; components: Record<string, object> };

export const description = parse(
  readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'),
) as Description;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
// strict: a misspelt keyword in the description fails the test instead of validating nothing.
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
for (const keyword of ['openapi', 'info', 'servers', 'security', 'paths', 'components']) ajv.addKeyword(keyword);
ajv.addSchema(description, 'openapi');

/** Every operation described, as `METHOD /path/{param}`. */
export const describedOperations = (): string[] =>
  Object.entries(description.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Problems with an answer: undocumented status, wrong content type, or a body its schema refuses. */
export function answerProblems(operation: string, status: number, contentType: string | null, body: unknown): string[] {
  const [method, path] = operation.split(' ') as [string, string];
  const documented = description.paths[path]?.[method.toLowerCase()];
  if (!documented) return [`${operation} is not described`];
  let response = documented.responses[String(status)];
  if (!response) return [`${operation} answered ${status}, which is not described`];
  let at = pointer('paths', path, method.toLowerCase(), 'responses', String(status));
  if (response.$ref) {
    at = response.$ref.slice(2);
    response = description.components.responses![response.$ref.split('/').at(-1)! as never];
  }
  if (!contentType?.startsWith('application/json')) return [`${operation} ${status}: content-type ${contentType}`];
  const validate = ajv.getSchema(`openapi#/${at}/content/${pointer('application/json')}/schema`)!;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${operation} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
}
