/** Rules that a task's names refer to things the inventory declares. */
import type { AnalysisRule, OpsRepo, Service, TaskManifest } from '../model.js';
import { didYouMean } from '../suggest.js';
import { parseThreshold, windowPlaceholder, type MetricUnit } from '../units.js';
import type { Report, Rule } from './rule.js';

const serviceOf = (task: TaskManifest, repo: OpsRepo): Service | undefined =>
  repo.services.get(task.metadata.service)?.manifest;

export const serviceExists: Rule<TaskManifest> = {
  name: 'service-exists',
  check({ manifest }, repo, report) {
    const name = manifest.metadata.service;
    if (!repo.services.has(name)) {
      report(
        ['metadata', 'service'],
        `unknown service '${name}': declare it in services/${name}.yaml${didYouMean(name, repo.services.keys())}`,
      );
    }
  },
};

export const environmentExists: Rule<TaskManifest> = {
  name: 'environment-exists',
  check({ manifest }, repo, report) {
    const service = serviceOf(manifest, repo);
    const env = manifest.metadata.env;
    if (!service || env === undefined || service.spec.environments.includes(env)) return;
    report(
      ['metadata', 'env'],
      `service '${service.metadata.name}' has no environment '${env}'${didYouMean(env, service.spec.environments)}`,
    );
  },
};

export const datacenterExists: Rule<TaskManifest> = {
  name: 'datacenter-exists',
  check({ manifest }, repo, report) {
    const service = serviceOf(manifest, repo);
    if (!service) return;
    const known = service.spec.datacenters.map((dc) => dc.name);
    const spec = manifest.spec as {
      datacenters?: string[];
      weights?: Record<string, unknown>;
      from?: Record<string, unknown>;
    };
    spec.datacenters?.forEach((dc, i) => {
      if (!known.includes(dc))
        report(
          ['spec', 'datacenters', i],
          `service '${service.metadata.name}' has no datacenter '${dc}'${didYouMean(dc, known)}`,
        );
    });
    for (const field of ['weights', 'from'] as const) {
      for (const dc of Object.keys(spec[field] ?? {})) {
        if (!known.includes(dc))
          report(
            ['spec', field, dc],
            `service '${service.metadata.name}' has no datacenter '${dc}'${didYouMean(dc, known)}`,
            { target: 'key' },
          );
      }
    }
  },
};

export const metricExists: Rule<TaskManifest> = {
  name: 'metric-exists',
  check({ manifest }, repo, report) {
    const service = serviceOf(manifest, repo);
    if (!service) return;
    const analysis = (manifest.spec as { analysis?: AnalysisRule[] }).analysis ?? [];
    analysis.forEach((rule, i) => checkAnalysisRule(rule, ['spec', 'analysis', i], service, report));
  },
};

export function checkAnalysisRule(
  rule: AnalysisRule,
  path: (string | number)[],
  service: Service,
  report: Report,
): void {
  const metrics = service.spec.metrics ?? {};
  const binding = metrics[rule.metric];
  if (!binding) {
    report(
      [...path, 'metric'],
      `service '${service.metadata.name}' has no metric '${rule.metric}'${didYouMean(rule.metric, Object.keys(metrics))}`,
    );
    return;
  }
  if (rule.max === undefined && rule.min === undefined) {
    report(path, `the gate on '${rule.metric}' sets no limit: add max or min`);
  }
  if (rule.window !== undefined && !binding.query.includes(windowPlaceholder)) {
    report(
      [...path, 'window'],
      `window ${rule.window} cannot apply: the query of '${rule.metric}' in service '${service.metadata.name}' sets its own range; write [${windowPlaceholder}] where its range goes (e.g. max_over_time(x[${windowPlaceholder}])), or drop window`,
    );
  }
  const unit: MetricUnit = binding.unit ?? 'count';
  for (const bound of ['max', 'min'] as const) {
    const raw = rule[bound];
    if (raw === undefined) continue;
    const parsed = parseThreshold(raw, unit);
    if ('problem' in parsed)
      report([...path, bound], `'${raw}' is not a limit for '${rule.metric}' (${unit}): ${parsed.problem}`);
  }
}
