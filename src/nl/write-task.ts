/**
 * From an understood request to a task manifest: a new task file, or the edited Rollout it is about.
 * It looks the names up in the ops repo (services, their datacenters, Rollouts and templates) and
 * asks back whenever the repo leaves more than one reading open. Pure.
 */
import { parseAllDocuments, stringify } from 'yaml';
import type { LoadedDocuments, ManifestFile } from '../manifest/load.js';
import type { Loaded, LoadedTask, Service } from '../manifest/model.js';
import { parsePercent } from '../manifest/units.js';
import type { Intent } from './intent.js';
import { nameOf } from '../manifest/name-of.js';
import { provenanceComment } from './provenance.js';
import { compareVersions, isFullVersion, sameVersion } from './versions.js';

export interface RequestContext {
  /** The request's own words (its first line), recorded in the task. */
  text: string;
  by: string;
  /** Where it was asked, e.g. `issue #12`. */
  where: string;
  now: Date;
}

export interface WrittenTask {
  path: string;
  text: string;
  name: string;
  /** One line for the pull request's title and the answer. */
  title: string;
}

export type Writing = { task: WrittenTask } | { question: string };

export function writeTask(intent: Intent, repo: LoadedDocuments, files: ManifestFile[], ctx: RequestContext): Writing {
  switch (intent.action) {
    case 'canary':
      return canary(intent, repo, files, ctx);
    case 'rollback':
      return rollback(intent, repo, ctx);
    default:
      return serviceTask(intent, repo, ctx);
  }
}

type Ask = { question: string };
const isAsk = (value: object): value is Ask => 'question' in value;

function serviceTask(
  intent: Exclude<Intent, { action: 'canary' | 'rollback' }>,
  repo: LoadedDocuments,
  ctx: RequestContext,
): Writing {
  const service = serviceFor(repo, intent.service, intent.datacenter);
  if (isAsk(service)) return service;
  const name = service.manifest.metadata.name;
  const dcs = service.manifest.spec.datacenters.map((d) => d.name);
  const reason = `${ctx.text} (asked by @${ctx.by} on ${ctx.where})`;
  if (intent.action === 'drain' || intent.action === 'restore') {
    if (!intent.datacenter) return { question: `which datacenter of ${name}? (${dcs.join(', ')})` };
    const dc = intent.datacenter;
    const spec =
      intent.action === 'drain'
        ? { weights: { [dc]: '0%' }, reason }
        : { from: { [dc]: '0%' }, weights: { [dc]: '100%' }, reason };
    const verb = intent.action === 'drain' ? 'drain' : 'restore';
    return newTask(repo, ctx, 'TrafficShift', `${verb}-${dc}`, name, spec, `${cap(verb)} ${dc} of ${name}`);
  }
  const datacenters = intent.datacenter ? { datacenters: [intent.datacenter] } : {};
  const where = intent.datacenter ? ` in ${intent.datacenter}` : '';
  if (intent.action === 'restart')
    return newTask(
      repo,
      ctx,
      'Restart',
      `restart-${name}`,
      name,
      { ...datacenters, reason },
      `Restart ${name}${where}`,
    );
  if (intent.replicas === undefined) return { question: `to how many replicas? e.g. \`scale ${name} to 6 replicas\`` };
  if (intent.replicas < 1 || intent.replicas > 1000)
    return { question: `${intent.replicas} replicas is not something ZeroOps scales to: between 1 and 1000` };
  return newTask(
    repo,
    ctx,
    'Scale',
    `scale-${name}-${intent.replicas}`,
    name,
    { replicas: intent.replicas, ...datacenters },
    `Scale ${name} to ${intent.replicas} replicas${where}`,
  );
}

function canary(
  intent: Extract<Intent, { action: 'canary' }>,
  repo: LoadedDocuments,
  files: ManifestFile[],
  ctx: RequestContext,
): Writing {
  if (intent.percent === undefined)
    return { question: 'to what share of traffic? e.g. `expand the v1.1 canary to 20%`' };
  if (intent.percent <= 0 || intent.percent > 100)
    return { question: `${intent.percent}% is not a canary share: between 0% (excluded) and 100%` };
  const rollouts = live(repo, rolloutsOf(repo, intent.service, intent.version));
  if (rollouts.length > 1)
    return { question: `which canary? ${rollouts.map(describeRollout).join(', ')}: name its version or service` };
  const rollout = rollouts[0];
  if (!rollout) {
    if (!intent.version) return { question: 'which version’s canary? e.g. `expand the v1.1 canary to 20%`' };
    const service = serviceFor(repo, intent.service);
    if (isAsk(service)) return service;
    if (!isFullVersion(intent.version))
      return {
        question: `no Rollout of ${intent.version} in tasks/: name the full version (e.g. v1.3.0) to start one`,
      };
    const svc = service.manifest.metadata.name;
    return newTask(
      repo,
      ctx,
      'Rollout',
      `${svc}-${nameOf(intent.version)}`,
      svc,
      { version: intent.version, steps: [`${intent.percent}%`] },
      `Canary ${intent.version} of ${svc} at ${intent.percent}%`,
      false,
    );
  }
  const now = stepsOf(rollout, repo);
  const steps = [...now.filter((p) => p < intent.percent!), intent.percent];
  const name = rollout.manifest.metadata.name;
  // A Rollout straight to 100% promotes a version (or rolls one back): it is no canary to resize.
  if (now.length === 1 && now[0] === 100 && intent.percent < 100)
    return {
      question: `\`${name}\` puts ${versionOf(rollout)} on all of its audience at once, it is no canary: name another`,
    };
  if (now.length === steps.length && now.every((p, i) => p === steps[i]))
    return { question: `\`${name}\` already ends at ${intent.percent}%: nothing to change` };
  const file = files.find((f) => f.path === rollout.doc.file);
  if (!file) return { question: `\`${name}\` is declared in ${rollout.doc.file}, which could not be read` };
  const text = editedSteps(file.text, name, steps);
  const version = (rollout.manifest.spec as { version: string }).version;
  return {
    task: {
      path: file.path,
      text,
      name,
      title: `Canary ${version} of ${rollout.manifest.metadata.service} to ${intent.percent}%`,
    },
  };
}

/**
 * A version rolled back is the version before it taking over its lane: same audience, `replaces` the
 * Rollout it leaves, at 100%. The lane checks then say whether anyone would lose a feature.
 */
function rollback(
  intent: Extract<Intent, { action: 'rollback' }>,
  repo: LoadedDocuments,
  ctx: RequestContext,
): Writing {
  const named = intent.version ? rolloutsOf(repo, intent.service, intent.version) : [];
  if (named.length > 1) return { question: `which one? ${named.map(describeRollout).join(', ')}: name the service` };
  const service = serviceFor(repo, intent.service ?? named[0]?.manifest.metadata.service);
  if (isAsk(service)) return service;
  const svc = service.manifest.metadata.name;
  const all = rolloutsOf(repo, svc).sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const leaving = named[0] ?? (intent.version ? undefined : live(repo, all).at(-1));
  if (!leaving) return { question: `no Rollout of ${intent.version ?? svc} in tasks/: which canary should go back?` };
  const target = intent.toVersion
    ? (rolloutsOf(repo, svc, intent.toVersion)[0] ?? intent.toVersion)
    : all.filter((r) => compareVersions(versionOf(r), versionOf(leaving)) < 0).at(-1);
  if (!target)
    return {
      question: `no Rollout of ${svc} older than ${versionOf(leaving)} in tasks/: which version should it go back to?`,
    };
  const version = typeof target === 'string' ? target : versionOf(target);
  if (!isFullVersion(version))
    return { question: `no Rollout of ${version} in tasks/: name the full version (e.g. v1.1.0)` };
  const leavingSpec = leaving.manifest.spec as { features?: string[]; audience?: unknown };
  // A version the repo has no Rollout of has features nobody wrote down: none are claimed for it.
  const features = typeof target === 'string' ? undefined : (target.manifest.spec as { features?: string[] }).features;
  return newTask(
    repo,
    ctx,
    'Rollout',
    `${svc}-back-to-${nameOf(version)}`,
    svc,
    {
      version,
      ...(features ? { features } : {}),
      replaces: leaving.manifest.metadata.name,
      ...(leavingSpec.audience ? { audience: leavingSpec.audience } : {}),
      steps: ['100%'],
    },
    `Roll ${svc} back from ${versionOf(leaving)} to ${version}`,
    false,
  );
}

function newTask(
  repo: LoadedDocuments,
  ctx: RequestContext,
  kind: string,
  stem: string,
  service: string,
  spec: Record<string, unknown>,
  title: string,
  stamped = true,
): Writing {
  // Repeatable operations get the time in their name: each request is a task of its own.
  const name = (stamped ? `${stem}-${stamp(ctx.now)}` : stem).slice(0, 63).replace(/-+$/, '');
  const template = templateFor(repo, kind);
  const manifest = {
    apiVersion: 'zeroops.dev/v1',
    kind,
    metadata: { name, service, description: `${title}: asked by @${ctx.by} on ${ctx.where}` },
    spec: { ...(template ? { template } : {}), ...spec },
  };
  return {
    task: {
      path: `tasks/${name}.yaml`,
      text: provenanceComment(ctx.where, ctx.text) + stringify(manifest),
      name,
      title,
    },
  };
}

/** The one service a request means: named, or the only one with the datacenter, or the only one. */
function serviceFor(repo: LoadedDocuments, named?: string, datacenter?: string): Loaded<Service> | Ask {
  const services = repo.services;
  if (named) {
    const found = services.find((s) => s.manifest.metadata.name === named);
    return found ?? { question: `there is no service ${named} in services/ (${names(services)})` };
  }
  const candidates = datacenter
    ? services.filter((s) => s.manifest.spec.datacenters.some((d) => d.name === datacenter))
    : services;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0)
    return { question: datacenter ? `no service runs in ${datacenter}` : 'this ops repo has no service in services/' };
  return { question: `which service? (${names(candidates)})` };
}

/** The Rollouts no other Rollout has taken over (`replaces`): the canaries that are still theirs. */
function live(repo: LoadedDocuments, rollouts: LoadedTask[]): LoadedTask[] {
  const replaced = new Set(repo.tasks.map((t) => (t.manifest.spec as { replaces?: string }).replaces));
  return rollouts.filter((r) => !replaced.has(r.manifest.metadata.name));
}

function rolloutsOf(repo: LoadedDocuments, service?: string, version?: string): LoadedTask[] {
  return repo.tasks.filter(
    (t) =>
      t.manifest.kind === 'Rollout' &&
      (!service || t.manifest.metadata.service === service) &&
      (!version || sameVersion(versionOf(t), version)),
  );
}

const versionOf = (task: LoadedTask) => String((task.manifest.spec as { version?: string }).version ?? '');

/** A Rollout's steps as it runs them: its own, or its template's defaults. */
function stepsOf(rollout: LoadedTask, repo: LoadedDocuments): number[] {
  const spec = rollout.manifest.spec as { steps?: unknown[]; template?: string };
  const [tname, tversion] = (spec.template ?? '').split('@');
  const template = repo.templates.find((t) => t.manifest.metadata.name === tname);
  const defaults = template?.manifest.spec.versions.find((v) => String(v.version) === tversion)?.defaults as
    { steps?: unknown[] } | undefined;
  return (spec.steps ?? defaults?.steps ?? []).map((s) => parsePercent(s)).filter((p) => p !== undefined);
}

/** The Rollout's `spec.steps` replaced in its file, comments and the other documents kept. */
function editedSteps(text: string, name: string, steps: number[]): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  for (const doc of docs) {
    if (doc.getIn(['metadata', 'name']) !== name) continue;
    const node = doc.createNode(steps.map((p) => `${p}%`));
    node.flow = true;
    doc.setIn(['spec', 'steps'], node);
  }
  return docs.map((d) => d.toString()).join('');
}

/** The kind's SOP template, when the repo has exactly one: its newest version not deprecated. */
function templateFor(repo: LoadedDocuments, kind: string): string | undefined {
  const templates = repo.templates.filter((t) => t.manifest.spec.kind === kind);
  if (templates.length !== 1) return undefined;
  const versions = templates[0]!.manifest.spec.versions.filter((v) => !v.deprecated);
  const newest = versions.map((v) => v.version).sort((a, b) => b - a)[0];
  return newest === undefined ? undefined : `${templates[0]!.manifest.metadata.name}@${newest}`;
}

const describeRollout = (t: LoadedTask) => `\`${t.manifest.metadata.name}\` (${versionOf(t)}, ${t.doc.file})`;
const names = (services: Loaded<Service>[]) => services.map((s) => s.manifest.metadata.name).join(', ');
const cap = (text: string) => text[0]!.toUpperCase() + text.slice(1);
const stamp = (now: Date) => now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
