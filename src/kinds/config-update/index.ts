/**
 * ConfigUpdate: set configuration keys of a service through its config command, then hot-reload or
 * restart each datacenter in turn. Rollback writes back the values read before the change.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, ConfigUpdate, TaskManifest } from '../../manifest/model.js';
import type { Rule } from '../../manifest/rules/rule.js';
import { gatesFrom } from '../../plan/gates.js';
import type { KindPlan, PlanStep } from '../../plan/types.js';
import { action, datacentersOf, inSequence, step, type KindModule } from '../kind.js';

type ConfigSpec = ConfigUpdate['spec'] & { apply: 'hot-reload' | 'restart' };

const secretLike = /(password|secret|token|api[_-]?key|private[_-]?key)/i;

const configCommand: Rule<TaskManifest> = {
  name: 'config-command',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'ConfigUpdate') return;
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    if (service && !service.spec.config) {
      report(
        ['metadata', 'service'],
        `service '${service.metadata.name}' does not say how to change its configuration: add spec.config.command to services/${service.metadata.name}.yaml`,
      );
    }
    for (const key of Object.keys(manifest.spec.set)) {
      if (secretLike.test(key))
        report(
          ['spec', 'set', key],
          `'${key}' looks like a secret: secrets never go in the ops repo; set them in your secret store and reference them`,
          { target: 'key' },
        );
    }
  },
};

export const configUpdate: KindModule = {
  kind: 'ConfigUpdate',
  executes: false,
  defaults: { spec: { apply: 'hot-reload' }, perDatacenter: true },
  requiredAfterCompletion: [],
  rules: [configCommand],
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as ConfigSpec;
  const name = task.service.metadata.name;
  const argv = task.service.spec.config!.command;
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service);
  const keys = Object.keys(spec.set);
  const steps: PlanStep[] = datacentersOf(task).flatMap((dc) => [
    step({
      id: `set-${dc}`,
      title: `Set ${keys.join(', ')} in ${dc}`,
      action: action('command', 'config-set', { argv, datacenter: dc, set: spec.set }),
      inverse: action('command', 'config-restore', { argv, datacenter: dc, keys }),
    }),
    step({
      id: `${spec.apply}-${dc}`,
      title: `${spec.apply === 'restart' ? 'Restart' : 'Hot-reload'} ${name} in ${dc}`,
      action: action('command', spec.apply, { argv, datacenter: dc }),
      inverse: 'none-needed',
      gates,
    }),
  ]);
  return {
    summary: `Set ${keys.map((k) => `${k}=${JSON.stringify(spec.set[k])}`).join(', ')} on ${name}, applied by ${spec.apply}`,
    steps: inSequence(steps),
    locks: [{ key: `config:${name}`, reason: 'one configuration change at a time' }],
    riskFactors: spec.apply === 'restart' ? [{ reason: 'applies by restarting the service', weight: 1 }] : [],
  };
}
