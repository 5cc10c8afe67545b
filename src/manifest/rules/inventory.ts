/** Rules for the inventory (services), the config and the templates. */
import type { Config, Service, Template } from '../model.js';
import { specFieldsOf } from '../schemas.js';
import { didYouMean } from '../suggest.js';
import { parseThreshold } from '../units.js';
import { checkProgram } from './programs.js';
import { checkNotifyChannels } from './notify-channels.js';
import { failoverProblems } from '../../failover/watch-settings.js';
import type { Rule } from './rule.js';

export const serviceRules: Rule<Service>[] = [
  {
    name: 'service-consistent',
    check({ manifest }, repo, report) {
      const { datacenters, metrics = {}, inspections = [], deploy, restart, config } = manifest.spec;
      for (const [field, command] of [
        ['deploy', deploy?.command],
        ['restart', restart?.command],
        ['config', config?.command],
      ] as const) {
        if (command) checkProgram(command, ['spec', field, 'command'], repo, report);
      }
      datacenters.forEach((dc, i) => {
        if (datacenters.findIndex((other) => other.name === dc.name) !== i)
          report(['spec', 'datacenters', i, 'name'], `datacenter '${dc.name}' is listed twice`);
        if ((deploy?.provider ?? 'haproxy') === 'haproxy' && !dc.haproxy)
          report(
            ['spec', 'datacenters', i],
            `datacenter '${dc.name}' has no haproxy backend, but the service deploys through haproxy`,
            { target: 'key' },
          );
      });
      for (const problem of failoverProblems(manifest))
        report(
          ['spec', 'failover', ...problem.path],
          problem.message,
          problem.key || !problem.path.length ? { target: 'key' } : {},
        );
      inspections.forEach((inspection, i) => {
        const path = ['spec', 'inspections', i];
        if (inspection.name === 'datacenter-watch')
          report(
            [...path, 'name'],
            `'datacenter-watch' is the name of the datacenter watch (spec.failover): choose another`,
          );
        const binding = metrics[inspection.metric];
        if (!binding)
          report(
            [...path, 'metric'],
            `no metric '${inspection.metric}' in spec.metrics${didYouMean(inspection.metric, Object.keys(metrics))}`,
          );
        if (inspection.detect === 'threshold' && inspection.max === undefined)
          report(path, 'a threshold inspection needs max', { target: 'key' });
        if (binding && inspection.max !== undefined) {
          const parsed = parseThreshold(inspection.max, binding.unit ?? 'count');
          if ('problem' in parsed)
            report(
              [...path, 'max'],
              `'${inspection.max}' is not a limit for '${inspection.metric}': ${parsed.problem}`,
            );
        }
        if (inspection.remediate) {
          const [option, version] = inspection.remediate.split('@') as [string, string | undefined];
          if (!remediationIds.includes(option))
            report(
              [...path, 'remediate'],
              `'${inspection.remediate}' is not a remediation: write one of ${remediationIds.join(', ')}${didYouMean(option, remediationIds)}`,
            );
          else if (version !== undefined && (option !== 'rolling-restart' || !repo.templates.has('rolling-restart')))
            report(
              [...path, 'remediate'],
              `only rolling-restart takes a template version (templates/rolling-restart.yaml, a Restart template): write ${option}`,
            );
        }
      });
    },
  },
];

/** What an inspection may offer first (the patrol's remediations). */
const remediationIds = ['rolling-restart', 'restart-instance', 'drain-datacenter', 'rollback-change', 'scale-out'];

const credentialsInUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i;

export const configRules: Rule<Config>[] = [
  {
    name: 'config-consistent',
    check({ manifest }, repo, report) {
      checkNotifyChannels(manifest, repo, report);
      const prometheus = manifest.spec.providers?.prometheus;
      if (prometheus && credentialsInUrl.test(prometheus.url)) {
        report(
          ['spec', 'providers', 'prometheus', 'url'],
          'the URL carries a password: put it in an environment variable and use bearerToken: { env: NAME }',
        );
      }
      manifest.spec.windows?.forEach((window, i) => {
        if (!isTimeZone(window.timezone))
          report(
            ['spec', 'windows', i, 'timezone'],
            `'${window.timezone}' is not an IANA time zone, e.g. Europe/Berlin or Asia/Shanghai`,
          );
        if (window.from === window.to)
          report(['spec', 'windows', i, 'to'], 'the window is empty: from and to are equal');
      });
      manifest.spec.freezes?.forEach((freeze, i) => {
        if (Date.parse(freeze.to) <= Date.parse(freeze.from))
          report(['spec', 'freezes', i, 'to'], 'the freeze ends before it starts');
      });
    },
  },
];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const templateRules: Rule<Template>[] = [
  {
    name: 'template-consistent',
    check({ manifest }, _repo, report) {
      const allowed = specFieldsOf(manifest.spec.kind).filter((field) => field !== 'template');
      manifest.spec.versions.forEach((version, i) => {
        if (manifest.spec.versions.findIndex((v) => v.version === version.version) !== i)
          report(['spec', 'versions', i, 'version'], `version ${version.version} is declared twice`);
        for (const key of Object.keys(version.defaults)) {
          if (!allowed.includes(key))
            report(
              ['spec', 'versions', i, 'defaults', key],
              `'${key}' is not a field of ${manifest.spec.kind}${didYouMean(key, allowed)}`,
              { target: 'key' },
            );
        }
      });
    },
  },
];
