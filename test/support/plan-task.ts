/** Plan one task written inline, against the example ops repo. */
import { formatDiagnostic } from '../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../src/app/check-and-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { templateRepoFiles } from './ops-repo.js';

/** A Rollout is planned without the example's canaries: whether lanes meet is the lane tests' business. */
export async function planTask(yaml: string): Promise<Plan> {
  const rollout = /^kind: Rollout$/m.test(yaml);
  const context = (await templateRepoFiles()).filter((f) => !(rollout && /^tasks\/canary-/.test(f.path)));
  const { plans, diagnostics } = await checkAndPlan({ files: [{ path: 'tasks/t.yaml', text: yaml }], context });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || plans.length !== 1)
    throw new Error(`expected one plan, got:\n${errors.map(formatDiagnostic).join('\n')}`);
  return plans[0]!;
}

export const task = (kind: string, spec: string, name = 't1') =>
  `apiVersion: zeroops.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  service: checkout\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
