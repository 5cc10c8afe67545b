/**
 * Context completion: fill what a task leaves out from its template, its service and the config,
 * and remember where each filled value came from so the plan can show it.
 */
import type { LoadedTask, OpsRepo, Service } from './model.js';
import { findTemplateVersion, parseTemplateRef } from './rules/task-templates.js';

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
  const spec: Record<string, unknown> = { ...manifest.spec };
  const fill = (field: string, value: unknown, from: string) => {
    if (spec[field] !== undefined || value === undefined) return;
    spec[field] = value;
    filled.push({ field: `spec.${field}`, value, from });
  };

  const ref = manifest.spec.template ? parseTemplateRef(manifest.spec.template) : undefined;
  const version = ref && findTemplateVersion(repo, ref);
  for (const [field, value] of Object.entries(version?.defaults ?? {})) fill(field, value, `template ${manifest.spec.template}`);
  if (defaults.perDatacenter) fill('datacenters', service.spec.datacenters.map((dc) => dc.name), `service ${service.metadata.name}`);
  for (const [field, value] of Object.entries(defaults.spec)) fill(field, value, 'ZeroOps default');

  return { source: task, kind: manifest.kind, name: manifest.metadata.name, service, env: resolveEnv(task, repo, service, filled), spec, filled };
}

function resolveEnv(task: LoadedTask, repo: OpsRepo, service: Service, filled: Filled[]): string {
  if (task.manifest.metadata.env) return task.manifest.metadata.env;
  const configured = repo.config?.manifest.spec.defaultEnv;
  const env = configured && service.spec.environments.includes(configured) ? configured : service.spec.environments[0]!;
  filled.push({ field: 'metadata.env', value: env, from: env === configured ? 'config defaultEnv' : `service ${service.metadata.name}` });
  return env;
}
