import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { executableActions } from '../../../src/plan/executable-actions.js';
import { ProviderEffects } from '../../../src/providers/effects.js';
import type { Store } from '../../../src/engine/store.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

const kubernetesService = `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: search }
spec:
  owners: [sam]
  environments: [production]
  deploy: { provider: kubernetes }
  datacenters:
    - { name: dc-a, kubernetes: { namespace: search, deployment: search } }
`;

async function plan(files: Record<string, string>) {
  const context = await templateRepoFiles();
  return checkAndPlan({ files: Object.entries(files).map(([path, text]) => ({ path, text })), context });
}

describe('what this version executes', () => {
  it('is exactly what the providers implement', () => {
    expect(new ProviderEffects({ store: {} as Store }).implemented()).toEqual([...executableActions].sort());
  });

  it('refuses at plan time a Runbook step no provider carries out, naming the action', async () => {
    const { plans, diagnostics } = await plan({
      'tasks/n.yaml':
        'apiVersion: zeroops.dev/v1\nkind: Runbook\nmetadata: { name: n, service: checkout }\nspec:\n  steps:\n    - { name: tell, action: { provider: notify, operation: send, params: { message: hi } } }\n',
    });
    expect(plans).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(
        /^tasks\/n.yaml:6:29 error spec.steps\[0\].action: `notify send` cannot be executed by this version of ZeroOps, so the plan would fail when it got there/,
      ),
    );
  });

  it('refuses a Restart of a Kubernetes service before anyone approves it', async () => {
    const { plans, diagnostics } = await plan({
      'services/search.yaml': kubernetesService,
      'tasks/r.yaml': 'apiVersion: zeroops.dev/v1\nkind: Restart\nmetadata: { name: r, service: search }\nspec: {}\n',
    });
    expect(plans.filter((p) => p.task.name === 'r')).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringContaining(
        'tasks/r.yaml:3:31 error metadata.service: `kubernetes rollout-restart` cannot be executed by this version of ZeroOps',
      ),
    );
  });

  it('plans kinds that do not execute yet, and says so instead of refusing them', async () => {
    const { plans } = await plan({
      'tasks/c.yaml':
        'apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata: { name: c, service: checkout }\nspec:\n  version: v9.0.0\n  steps: [10%, 100%]\n',
    });
    expect(plans.map((p) => [p.task.name, p.executes])).toEqual([['c', false]]);
  });
});
