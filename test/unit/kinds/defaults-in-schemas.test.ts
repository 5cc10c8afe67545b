/** The defaults ZeroOps fills are declared in the schemas (`default`), for editors and the reference. */
import type { CompletedTask } from '../../../src/manifest/complete.js';
import type { Service } from '../../../src/manifest/model.js';
import { kinds } from '../../../src/kinds/registry.js';
import { readSchema, schemaFiles, taskKinds } from '../../../src/manifest/schemas.js';
import { parseDuration } from '../../../src/manifest/units.js';
import { gatesFrom } from '../../../src/plan/gates.js';
import { autonomyFor } from '../../../src/policy/autonomy.js';
import { requiredApprovals } from '../../../src/policy/required-approvals.js';

interface Node {
  default?: unknown;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node;
  definitions?: Record<string, Node>;
}

/** The `default` at a path of properties (`[]` steps into items, `<>` into map values). */
function defaultAt(file: string, path: string): unknown {
  const node = path.split('.').reduce<Node | undefined>(
    (at, key) => {
      if (key === '[]') return at?.items;
      if (key === '<>') return at?.additionalProperties;
      return key.startsWith('#') ? at?.definitions?.[key.slice(1)] : at?.properties?.[key];
    },
    readSchema(file) as Node,
  );
  return node?.default;
}

describe("ZeroOps' defaults", () => {
  it.each(taskKinds)("%s: the kind's defaults are the `default`s of its schema's spec", (kind) => {
    const fields = (readSchema(schemaFiles[kind]) as Node).properties!.spec!.properties!;
    const declared = Object.entries(fields).filter(([, field]) => field.default !== undefined);
    expect(Object.fromEntries(declared.map(([name, field]) => [name, field.default]))).toEqual(
      kinds[kind].defaults.spec,
    );
  });

  it("a gate's window, phase and unit are their schemas' defaults", () => {
    const service = { metadata: { name: 's' }, spec: { metrics: { m: { query: 'rate(x[$window])' } } } };
    const [gate] = gatesFrom([{ metric: 'm', max: 1 }], service as unknown as Service);
    expect([gate!.windowSeconds, gate!.phase, gate!.unit]).toEqual([
      parseDuration(defaultAt('defs', '#AnalysisRule.window') as string),
      defaultAt('defs', '#AnalysisRule.phase'),
      defaultAt('service', 'spec.metrics.<>.unit'),
    ]);
  });

  it("a Runbook step's timeout and retries are their schema's defaults", () => {
    const action = { provider: 'command', operation: 'run', params: { argv: ['scripts/x.sh'] } };
    const task = {
      spec: { mode: 'serial', steps: [{ name: 'a', action }] },
      service: { metadata: { name: 's' }, spec: {} },
    };
    const [step] = kinds.Runbook.compile(task as unknown as CompletedTask).steps;
    expect([step!.timeoutSeconds, step!.retries]).toEqual([
      parseDuration(defaultAt('runbook', 'spec.steps.[].timeout') as string),
      defaultAt('runbook', 'spec.steps.[].retries'),
    ]);
  });

  it("the policy's and autonomy's defaults are the config schema's", () => {
    const subject = { kind: 'Restart', environments: ['production'], risk: 'low' as const, owners: [] };
    const { required, ownerRequired } = requiredApprovals(subject, undefined);
    expect([required, ownerRequired, autonomyFor(undefined, 'Restart')]).toEqual([
      defaultAt('config', 'spec.policy.defaultApprovals'),
      defaultAt('config', 'spec.policy.requireOwner'),
      defaultAt('config', 'spec.autonomy.default'),
    ]);
  });
});
