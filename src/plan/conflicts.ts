/** Plans in one change that need the same lock run one after the other: say so where they are declared. */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { LoadedTask } from '../manifest/model.js';
import type { Plan } from './types.js';

export function conflictsBetween(plans: readonly Plan[], tasks: readonly LoadedTask[]): Diagnostic[] {
  const holders = new Map<string, Plan[]>();
  for (const plan of plans) {
    for (const lock of plan.locks) holders.set(lock.key, [...(holders.get(lock.key) ?? []), plan]);
  }
  const diagnostics: Diagnostic[] = [];
  for (const [key, sharing] of holders) {
    if (sharing.length < 2) continue;
    for (const plan of sharing.slice(1)) {
      const task = tasks.find((t) => t.manifest.metadata.name === plan.task.name)!;
      diagnostics.push({
        file: task.doc.file,
        ...task.doc.at(['metadata', 'name']),
        severity: 'warning',
        field: 'metadata.name',
        rule: 'lock-conflict',
        message: `needs lock ${key} like ${sharing[0]!.task.name}: it will wait until that run finishes`,
      });
    }
  }
  return diagnostics;
}
