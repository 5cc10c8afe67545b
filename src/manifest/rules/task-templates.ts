/** Rules for `template: name@version` references. */
import type { OpsRepo, TaskManifest, Template } from '../model.js';
import { didYouMean } from '../suggest.js';
import type { Rule } from './rule.js';

export interface TemplateRef {
  name: string;
  version: number;
}

export function parseTemplateRef(text: string): TemplateRef | undefined {
  const match = /^([a-z0-9][a-z0-9-]*)@([1-9]\d*)$/.exec(text.trim());
  return match ? { name: match[1]!, version: Number(match[2]) } : undefined;
}

export function findTemplateVersion(repo: OpsRepo, ref: TemplateRef): Template['spec']['versions'][number] | undefined {
  return repo.templates.get(ref.name)?.manifest.spec.versions.find((v) => v.version === ref.version);
}

export const templateExists: Rule<TaskManifest> = {
  name: 'template-exists',
  check({ manifest }, repo, report) {
    const raw = manifest.spec.template;
    if (raw === undefined) return;
    const path = ['spec', 'template'];
    const ref = parseTemplateRef(raw);
    if (!ref) {
      report(path, `'${raw}' is not a template reference: write name@version, e.g. canary@2`);
      return;
    }
    const template = repo.templates.get(ref.name)?.manifest;
    if (!template) {
      report(
        path,
        `unknown template '${ref.name}': add templates/${ref.name}.yaml${didYouMean(ref.name, repo.templates.keys())}`,
      );
      return;
    }
    if (template.spec.kind !== manifest.kind) {
      report(path, `template '${ref.name}' is for ${template.spec.kind} tasks, not ${manifest.kind}`);
      return;
    }
    const version = findTemplateVersion(repo, ref);
    const versions = template.spec.versions.map((v) => v.version);
    if (!version) {
      report(path, `template '${ref.name}' has no version ${ref.version} (versions: ${versions.join(', ')})`);
    } else if (version.deprecated) {
      report(path, `${raw} is deprecated: pin ${ref.name}@${Math.max(...versions)}`, { severity: 'warning' });
    }
  },
};
