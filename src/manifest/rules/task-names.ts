/** Rule that every task name is declared once in the repository: runs, locks and audits use it. */
import type { TaskManifest } from '../model.js';
import type { Rule } from './rule.js';

export const uniqueTaskName: Rule<TaskManifest> = {
  name: 'unique-task-name',
  check({ manifest, doc }, repo, report) {
    const others = (repo.taskNames.get(manifest.metadata.name) ?? []).filter(
      (other) => other.file !== doc.file || other.index !== doc.index,
    );
    if (others.length === 0) return;
    const where = others.map((other) => `${other.file}:${other.at(['metadata', 'name']).line}`).join(', ');
    report(
      ['metadata', 'name'],
      `task name '${manifest.metadata.name}' is also used in ${where}: names must be unique`,
    );
  },
};
