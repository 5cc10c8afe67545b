/**
 * A starter ops repo for one service of the user's: config, the service with its datacenters
 * behind HAProxy and its Prometheus metrics, the schemas (self-contained, so editors complete and
 * check every file offline) and the editor settings that map them. Pure: options in, files out.
 */
import { standaloneSchemas } from './standalone-schemas.js';
import { configYaml, opsReadme, serviceYaml, tasksReadme } from './starter-texts.js';
import type { StarterOptions } from './starter-options.js';

export type { StarterOptions };

export interface StarterFile {
  path: string;
  text: string;
}

const namePattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const loginPattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]+)?$/;

/** What is wrong with the options, in words for people; empty when nothing is. */
export function starterProblems(options: StarterOptions): string[] {
  const problems: string[] = [];
  const named = (what: string, value: string) => {
    if (!namePattern.test(value) || value.length > 63)
      problems.push(`${what} '${value}': use lower-case letters, digits and dashes (like a Kubernetes name)`);
  };
  named('service', options.service);
  named('environment', options.env);
  if (options.datacenters.length === 0) problems.push('name at least one datacenter (--datacenters dc-a,dc-b)');
  options.datacenters.forEach((dc) => named('datacenter', dc));
  if (new Set(options.datacenters).size !== options.datacenters.length) problems.push('datacenter names repeat');
  if (!/^https?:\/\/\S+$/.test(options.prometheusUrl))
    problems.push(`Prometheus URL '${options.prometheusUrl}': write http://host:port`);
  if (options.owners.length === 0) problems.push('name at least one owner (a GitHub login or org/team)');
  for (const owner of options.owners)
    if (!loginPattern.test(owner)) problems.push(`owner '${owner}': write a GitHub login or org/team-slug`);
  return problems;
}

export function starterRepo(options: StarterOptions): StarterFile[] {
  const schemas = Object.entries(standaloneSchemas()).map(([name, text]) => ({ path: `schemas/${name}`, text }));
  return [
    { path: 'README.md', text: opsReadme(options) },
    { path: '.zeroops/config.yaml', text: configYaml(options) },
    { path: `services/${options.service}.yaml`, text: serviceYaml(options) },
    { path: 'tasks/README.md', text: tasksReadme(options) },
    { path: '.vscode/settings.json', text: `${JSON.stringify(editorSettings(), null, 2)}\n` },
    ...schemas,
  ];
}

/** VS Code's YAML extension (yaml-language-server): which schema each file follows. */
function editorSettings() {
  return {
    'yaml.schemas': {
      './schemas/config.schema.json': '.zeroops/config.yaml',
      './schemas/service.schema.json': 'services/*.yaml',
      './schemas/template.schema.json': 'templates/*.yaml',
      './schemas/task.schema.json': 'tasks/**/*.yaml',
    },
  };
}
