/**
 * What a language model is told to write a task from a request: the task kinds' JSON Schemas (from
 * schemas/, so the structured output is constrained by the same language the checks enforce), the
 * repo's names, and the rule to ask rather than guess. Pure.
 */
import { readSchema, schemaFileOf, taskKinds } from '../manifest/schemas.js';
import type { WriterContext } from './task-writer.js';

/**
 * One JSON Schema for the answer: `{ "question": ... }` or `{ "manifest": ... }`, the manifest one of
 * the given schemas of schemas/ (their references to defs.schema.json made local).
 */
export function answerSchema(files: readonly string[] = taskKinds.map(schemaFileOf)): Record<string, unknown> {
  const defs = readSchema('defs') as { definitions: Record<string, unknown> };
  const local = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replace(/"defs\.schema\.json#\/definitions\//g, '"#/$defs/'));
  const manifests = files.map((file) => {
    const { $schema: _s, $id: _i, ...schema } = readSchema(file);
    return local(schema);
  });
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      question: { type: 'string', description: 'Ask this instead of writing a manifest when the text is ambiguous.' },
      manifest: { anyOf: manifests },
    },
    $defs: local(defs.definitions),
  };
}

/** What the model is told to turn a Markdown SOP into a Template. */
export function templateMessages(sop: string, context: WriterContext): { role: 'system' | 'user'; content: string }[] {
  const system = [
    "You turn a team's Markdown SOP (standard operating procedure) into one ZeroOps Template manifest",
    `(apiVersion zeroops.dev/v1, kind Template): spec.kind is one of ${taskKinds.join(', ')}, and one version`,
    '(version 1) whose defaults are the spec fields of that kind the SOP states: steps, interval, analysis',
    '(metric and max), approval. Answer JSON only, matching the given schema: {"manifest": {...}}, or',
    '{"question": "..."} when the SOP does not say which kind of task it is. Never invent a metric the SOP',
    `does not name. Services of the repo, for reference: ${JSON.stringify(context.services)}`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: sop },
  ];
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
