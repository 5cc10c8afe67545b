// What the reference is generated from, read from this repository: the schemas, the kinds, the actions, the
// command provider's limits.
import { defaultStepRetries, defaultStepTimeoutSeconds } from '../../src/kinds/kind.js';
import { kinds } from '../../src/kinds/registry.js';
import { opsRepoLayout } from '../../src/manifest/model.js';
import { readSchema, schemaFiles, taskKinds, type DocumentKind } from '../../src/manifest/schemas.js';
import { actionDocs } from '../../src/plan/action-docs.js';
import { executableActions } from '../../src/plan/executable-actions.js';
import { scriptLimits } from '../../src/providers/command/script-limits.js';
import { scriptContext } from '../../src/providers/effects.js';
import type { EffectContext } from '../../src/engine/ports.js';
import type { JsonSchema } from './json-schema.js';
import type { ReferenceInput } from './reference.js';

export const referencePath = new URL('../../docs/reference.md', import.meta.url).pathname;

const places: Record<'Service' | 'Template' | 'Config', string> = {
  Service: `\`${opsRepoLayout.services}<name>.yaml\``,
  Template: `\`${opsRepoLayout.templates}<name>.yaml\``,
  Config: `\`${opsRepoLayout.config}\` (read from the default branch)`,
};

export function referenceInput(): ReferenceInput {
  const runbookStep = (readSchema('runbook') as RunbookSchema).properties.spec.properties.steps.items.properties;
  return {
    defs: readSchema('defs') as JsonSchema,
    documents: [...taskKinds, 'Service' as const, 'Template' as const, 'Config' as const].map(documentOf),
    actions: executableActions.map((name) => [name, actionDocs[name]!]),
    runbook: { stepTimeout: runbookStep.timeout.default, stepRetries: runbookStep.retries.default },
    scripts: {
      limits: scriptLimits,
      stepTimeoutSeconds: defaultStepTimeoutSeconds,
      restartRetries: defaultStepRetries,
      runbookRetries: runbookStep.retries.default,
      variables: Object.keys(scriptContext(placeholderContext)),
    },
  };
}

type RunbookSchema = {
  properties: {
    spec: {
      properties: { steps: { items: { properties: { timeout: { default: string }; retries: { default: number } } } } };
    };
  };
};

function documentOf(kind: DocumentKind): ReferenceInput['documents'][number] {
  const schema = readSchema(schemaFiles[kind]) as JsonSchema;
  const common = { kind, schemaPath: `schemas/${schemaFiles[kind]}.schema.json`, schema };
  if (kind === 'Service' || kind === 'Template' || kind === 'Config') return { ...common, place: places[kind] };
  const module = kinds[kind];
  return {
    ...common,
    place: `\`${opsRepoLayout.tasks}\``,
    executes: typeof module.executes === 'function' ? module.executesWhen! : module.executes,
    requiredLater: module.requiredAfterCompletion,
  };
}

/** Enough of a step's context to learn which variables a script is given. */
const placeholderContext = {
  run: { id: '', plan: { task: { name: '', service: '', env: '' } } },
  step: '',
  attempt: 1,
  checkpointKey: '',
} as unknown as EffectContext;
