/** Assemble the loaded documents of an ops repo into the lookups tasks are checked against. */
import type { Diagnostic } from './diagnostic.js';
import type { Config, Loaded, LoadedTask, OpsRepo, Service, Template } from './model.js';
import type { SourceDocument } from './source.js';

export interface RepoDocuments {
  configs: Loaded<Config>[];
  services: Loaded<Service>[];
  templates: Loaded<Template>[];
  tasks: LoadedTask[];
}

export function assembleOpsRepo(docs: RepoDocuments): { repo: OpsRepo; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byName = <T extends { metadata: { name: string } }>(items: Loaded<T>[], what: string) => {
    const map = new Map<string, Loaded<T>>();
    for (const item of items) {
      const existing = map.get(item.manifest.metadata.name);
      if (existing) diagnostics.push(duplicate(item.doc, what, item.manifest.metadata.name, existing.doc));
      else map.set(item.manifest.metadata.name, item);
    }
    return map;
  };
  const taskNames = new Map<string, SourceDocument[]>();
  for (const task of docs.tasks) {
    const name = task.manifest.metadata.name;
    taskNames.set(name, [...(taskNames.get(name) ?? []), task.doc]);
  }
  if (docs.configs.length > 1) {
    for (const extra of docs.configs.slice(1))
      diagnostics.push({
        file: extra.doc.file,
        ...extra.doc.at(['kind']),
        severity: 'error',
        field: 'kind',
        message: 'only one Config document is allowed, in .zeroops/config.yaml',
        rule: 'single-config',
      });
  }
  const repo: OpsRepo = {
    config: docs.configs[0],
    services: byName(docs.services, 'service'),
    templates: byName(docs.templates, 'template'),
    taskNames,
  };
  return { repo, diagnostics };
}

function duplicate(doc: SourceDocument, what: string, name: string, first: SourceDocument): Diagnostic {
  return {
    file: doc.file,
    ...doc.at(['metadata', 'name']),
    severity: 'error',
    field: 'metadata.name',
    message: `${what} '${name}' is already declared in ${first.file}:${first.at(['metadata', 'name']).line}`,
    rule: `unique-${what}-name`,
  };
}
