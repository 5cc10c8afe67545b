/**
 * What a language model is told to write a task from a request: the task kinds' JSON Schemas (from
 * schemas/, so the structured output is constrained by the same language the checks enforce), the
 * repo's names, and the rule to ask rather than guess. Pure.
 */
import { readSchema, schemaFileOf, taskKinds } from '../manifest/schemas.js';
import type { WriterContext } from './task-writer.js';

/** One JSON Schema for the answer: `{ "question": ... }` or `{ "manifest": <a task of any kind> }`. */
export function answerSchema(): Record<string, unknown> {
  const defs = readSchema('defs') as { definitions: Record<string, unknown> };
  const local = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replace(/"defs\.schema\.json#\/definitions\//g, '"#/$defs/'));
  const kinds = taskKinds.map((kind) => {
    const { $schema: _s, $id: _i, ...schema } = readSchema(schemaFileOf(kind));
    return local(schema);
  });
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      question: { type: 'string', description: 'Ask this instead of writing a task when the request is ambiguous.' },
      manifest: { anyOf: kinds },
    },
    $defs: local(defs.definitions),
  };
}

export function writerMessages(
  request: string,
  context: WriterContext,
): { role: 'system' | 'user'; content: string }[] {
  const system = [
    'You turn an operations request into one ZeroOps task manifest (apiVersion zeroops.dev/v1).',
    `Task kinds: ${taskKinds.join(', ')}. Answer JSON only, matching the given schema:`,
    '{"manifest": {...}} with a task, or {"question": "..."} when the request is ambiguous, names',
    'something not listed below, or asks for two things. Never guess a service, datacenter or version.',
    'Use only these names. Prefer a listed template of the same kind (spec.template: name@version).',
    `Services: ${JSON.stringify(context.services)}`,
    `Tasks already in the repo: ${JSON.stringify(context.tasks)}`,
    `Templates: ${JSON.stringify(context.templates)}`,
    'metadata.name: lower-case letters, digits and dashes, unique among the tasks.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: request },
  ];
}
