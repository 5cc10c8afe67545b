/**
 * Templates from experience. When tasks of one kind for one service have been written by hand
 * several times with the same settings, those settings become a proposed template; when the tasks
 * pinning a template keep setting the same field themselves (a gate, an approval), that becomes
 * its next version. Pure: from the ops repo's documents to proposals a person reviews.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify, type YAMLSeq } from 'yaml';
import type { LoadedDocuments, ManifestFile } from '../manifest/load.js';
import type { LoadedTask } from '../manifest/model.js';
import { nameOf } from '../manifest/name-of.js';

/** How many tasks must agree before their common settings are worth a template. */
export const enoughTasks = 3;

/** Fields that say what one task acts on, never how: they stay in the tasks. */
const perTask = new Set([
  'template',
  'version',
  'features',
  'audience',
  'replaces',
  'weights',
  'from',
  'reason',
  'replicas',
  'instances',
  'datacenters',
  'database',
  'replaceColumn',
  'addColumn',
  'sql',
  'key',
  'value',
  'script',
  'config',
  'compare',
]);

export interface TemplateProposal {
  name: string;
  version: number;
  path: string;
  text: string;
  /** Why, with the tasks it was learned from. */
  why: string;
  tasks: string[];
  /** What makes it the same proposal again (its kind and settings, an SOP's content): proposed once. */
  identity: string;
}

/** A new template's first version, as a proposal: the one shape every source of experience writes. */
export function firstVersion(template: {
  name: string;
  kind: string;
  description: string;
  versionDescription: string;
  defaults: Record<string, unknown>;
  why: string;
  tasks?: string[];
  identity: string;
}): TemplateProposal {
  const { name, kind, description, versionDescription, defaults } = template;
  const manifest = {
    apiVersion: 'zeroops.dev/v1',
    kind: 'Template',
    metadata: { name, description },
    spec: { kind, versions: [{ version: 1, description: versionDescription, defaults }] },
  };
  return {
    name,
    version: 1,
    path: `templates/${name}.yaml`,
    text: stringify(manifest),
    why: template.why,
    tasks: template.tasks ?? [],
    identity: template.identity,
  };
}

export function templateProposals(repo: LoadedDocuments, files: readonly ManifestFile[]): TemplateProposal[] {
  return [...fromHandWritten(repo), ...fromOverrides(repo, files)];
}

/** Untemplated tasks of a kind and service, enough of them, sharing settings: a new template. */
function fromHandWritten(repo: LoadedDocuments): TemplateProposal[] {
  const groups = groupBy(
    repo.tasks.filter((t) => !(t.manifest.spec as { template?: string }).template),
    (t) => `${t.manifest.kind}/${t.manifest.metadata.service}`,
  );
  return [...groups.values()].flatMap((tasks) => {
    if (tasks.length < enoughTasks) return [];
    const shared = sharedSettings(tasks, tasks.length);
    if (Object.keys(shared).length === 0) return [];
    const kind = tasks[0]!.manifest.kind;
    const name = nameOf(`${kind}-${tasks[0]!.manifest.metadata.service}`);
    if (repo.templates.some((t) => t.manifest.metadata.name === name)) return [];
    const names = tasks.map((t) => t.manifest.metadata.name);
    const service = tasks[0]!.manifest.metadata.service;
    return [
      firstVersion({
        name,
        kind,
        description: `${kind} of ${service} as written by hand ${tasks.length} times`,
        versionDescription: `Learned from ${names.join(', ')}`,
        defaults: shared,
        why:
          `${tasks.length} ${kind} tasks of ${service} ` +
          `were written by hand with the same ${list(Object.keys(shared))}`,
        tasks: names,
        identity: JSON.stringify({ kind, name, shared }),
      }),
    ];
  });
}

/** Tasks pinning one template version that all set a field the same way themselves: its next version. */
function fromOverrides(repo: LoadedDocuments, files: readonly ManifestFile[]): TemplateProposal[] {
  const pinned = groupBy(
    repo.tasks.filter((t) => (t.manifest.spec as { template?: string }).template),
    (t) => (t.manifest.spec as { template: string }).template,
  );
  return [...pinned].flatMap(([ref, tasks]) => {
    const [name, version] = ref.split('@') as [string, string];
    const template = repo.templates.find((t) => t.manifest.metadata.name === name);
    const versions = template?.manifest.spec.versions ?? [];
    const current = versions.find((v) => String(v.version) === version);
    if (!template || !current || tasks.length < enoughTasks) return [];
    const defaults = current.defaults as Record<string, unknown>;
    const added = Object.fromEntries(
      Object.entries(sharedSettings(tasks, enoughTasks)).filter(
        ([field, value]) => !isDeepStrictEqual(defaults[field], value),
      ),
    );
    if (Object.keys(added).length === 0) return [];
    const next = Math.max(...versions.map((v) => v.version)) + 1;
    if (versions.some((v) => isDeepStrictEqual(v.defaults, { ...defaults, ...added }))) return [];
    const names = tasks
      .filter((t) => Object.keys(added).every((f) => f in t.manifest.spec))
      .map((t) => t.manifest.metadata.name);
    const nextVersion = {
      version: next,
      description: `${ref} with the ${list(Object.keys(added))} its tasks kept setting themselves`,
      defaults: { ...defaults, ...added },
    };
    const file = files.find((f) => f.path === template.doc.file);
    if (!file) return [];
    return [
      {
        name,
        version: next,
        path: template.doc.file,
        text: withVersion(file.text, name, nextVersion),
        why: `${names.length} tasks pinning ${ref} set the same ${list(Object.keys(added))} themselves`,
        tasks: names,
        identity: JSON.stringify({ ref, added }),
      },
    ];
  });
}

/** The template's file with one more version, in place: its comments and other documents kept. */
function withVersion(text: string, name: string, version: object): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  for (const doc of docs)
    if (doc.get('kind') === 'Template' && doc.getIn(['metadata', 'name']) === name)
      (doc.getIn(['spec', 'versions']) as YAMLSeq).add(doc.createNode(version));
  return docs.map((d) => d.toString()).join('');
}

/** The settings at least `atLeast` of the tasks give the same value (on a tie, the first task's). */
function sharedSettings(tasks: LoadedTask[], atLeast: number): Record<string, unknown> {
  const fields = new Set(tasks.flatMap((t) => Object.keys(t.manifest.spec)).filter((f) => !perTask.has(f)));
  const shared: Record<string, unknown> = {};
  for (const field of fields) {
    const values = tasks.map((t) => (t.manifest.spec as Record<string, unknown>)[field]).filter((v) => v !== undefined);
    const best = values
      .map((v) => ({ v, n: values.filter((w) => isDeepStrictEqual(v, w)).length }))
      .sort((a, b) => b.n - a.n)[0];
    if (best && best.n >= atLeast) shared[field] = best.v;
  }
  return shared;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

const list = (items: string[]) => items.map((i) => `\`${i}\``).join(', ');
