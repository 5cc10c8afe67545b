/**
 * Context completion: fill what a task leaves out from its template, its service and the config,
 * and remember where each filled value came from so the plan can show it.
 */
import type { LoadedTask, OpsRepo, Service } from './model.js';
import type { Path } from './diagnostic.js';
import { parseTemplateRef } from './rules/task-templates.js';
import type { SourceDocument } from './source.js';

export interface Filled {
  field: string;
  value: unknown;
  from: string;
}

export interface CompletedTask {
  source: LoadedTask;
  kind: LoadedTask['manifest']['kind'];
  name: string;
  service: Service;
  env: string;
  /** The task's spec with every default applied. */
  spec: Record<string, unknown>;
  filled: Filled[];
  /** Where each filled spec field was written (a template's or a service's line); absent for ZeroOps' defaults. */
  origins: Record<string, { doc: SourceDocument; path: Path }>;
}

export interface KindDefaults {
  /** Spec fields every task of the kind gets unless the task or its template says otherwise. */
  spec: Record<string, unknown>;
  /** Whether the kind acts per datacenter, so a missing `datacenters` means all of the service's. */
  perDatacenter: boolean;
}

export function completeTask(task: LoadedTask, repo: OpsRepo, defaults: KindDefaults): CompletedTask {
  const { manifest } = task;
  const service = repo.services.get(manifest.metadata.service)!.manifest;
  const filled: Filled[] = [];
  const origins: CompletedTask['origins'] = {};
  const spec: Record<string, unknown> = { ...manifest.spec };
  const fill = (field: string, value: unknown, from: string, origin?: { doc: SourceDocument; path: Path }) => {
    if (spec[field] !== undefined || value === undefined) return;
    spec[field] = value;
    filled.push({ field: `spec.${field}`, value, from });
    if (origin) origins[field] = origin;
  };

  const ref = manifest.spec.template ? parseTemplateRef(manifest.spec.template) : undefined;
  const template = ref && repo.templates.get(ref.name);
  const index = ref && template ? template.manifest.spec.versions.findIndex((v) => v.version === ref.version) : -1;
  for (const [field, value] of Object.entries(template?.manifest.spec.versions[index]?.defaults ?? {})) {
    fill(field, value, `template ${manifest.spec.template}`, {
      doc: template!.doc,
      path: ['spec', 'versions', index, 'defaults', field],
    });
  }
  const serviceDoc = repo.services.get(manifest.metadata.service)!.doc;
  if (defaults.perDatacenter)
    fill(
      'datacenters',
      service.spec.datacenters.map((dc) => dc.name),
      `service ${service.metadata.name}`,
      { doc: serviceDoc, path: ['spec', 'datacenters'] },
    );
  for (const [field, value] of Object.entries(defaults.spec)) fill(field, value, 'ZeroOps default');

  return {
    source: task,
    kind: manifest.kind,
    name: manifest.metadata.name,
    service,
    env: resolveEnv(task, repo, service, filled),
    spec,
    filled,
    origins,
  };
}

function resolveEnv(task: LoadedTask, repo: OpsRepo, service: Service, filled: Filled[]): string {
  if (task.manifest.metadata.env) return task.manifest.metadata.env;
  const configured = repo.config?.manifest.spec.defaultEnv;
  const env = configured && service.spec.environments.includes(configured) ? configured : service.spec.environments[0]!;
  filled.push({
    field: 'metadata.env',
    value: env,
    from: env === configured ? 'config defaultEnv' : `service ${service.metadata.name}`,
  });
  return env;
}
