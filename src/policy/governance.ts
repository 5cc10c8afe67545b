/**
 * Changes to the files that govern execution, as items to approve like task plans: what each
 * changes, for which tasks, and who must approve it under the last approved policy and owners.
 * A change to the policy needs the policy's strictest bar and a repository admin; a change to a
 * service needs its owners as the approved state names them; a template or script needs the
 * owners of every service whose tasks use it. Pure.
 */
import { createHash } from 'node:crypto';
import type { Config, Service, TaskManifest } from '../manifest/model.js';
import { loadYaml } from '../manifest/source.js';
import { describeTextChange, describeYamlChange } from './describe-change.js';
import { scriptPath, type GovernedFileDiff } from './governed-files.js';
import type { OwnerGroup } from './approvals.js';
import { claimantsOf } from './shared-targets.js';

export interface GovernedFileChange extends GovernedFileDiff {
  before?: string;
  after?: string;
}

export interface GovernanceItem {
  /** `change <path>`: how the item is named in the approval check and in reviews' records. */
  name: string;
  path: string;
  fingerprint: string;
  required: number;
  owners: OwnerGroup[];
  source: string;
  /** What differs, in words. */
  changes: string[];
  /** Tasks of the repository that this change affects. */
  affects: string[];
}

export interface GovernanceContext {
  /** The approved config: its policy decides the bar. */
  policy?: Config;
  /** Services as the approved state declares them: their owners count. */
  approvedServices: readonly Service[];
  /** Services and tasks as the change would leave them: what is affected. */
  proposedServices: readonly Service[];
  proposedTasks: readonly TaskManifest[];
}

export const governanceItemName = (path: string) => `change ${path}`;

export function governanceItems(changes: readonly GovernedFileChange[], context: GovernanceContext): GovernanceItem[] {
  return changes.map((change) => {
    const requirement = requirementOf(change, context);
    const described =
      change.area === 'script' || !/\.ya?ml$/.test(change.path)
        ? describeTextChange(change.before, change.after)
        : describeYamlChange(change.path, change.before, change.after);
    return {
      name: governanceItemName(change.path),
      path: change.path,
      fingerprint: fingerprintOf(change),
      ...requirement,
      changes: [`${change.status}: ${described[0] ?? 'no visible difference'}`, ...described.slice(1)],
    };
  });
}

/** The highest number of approvals any rule of the policy asks for: the bar for changing it. */
export function strictestBar(policy: Config | undefined, envs?: readonly string[]): number {
  const rules = policy?.spec.policy;
  const applying = (rules?.rules ?? []).filter(
    (r) => envs === undefined || r.env === undefined || envs.includes(r.env),
  );
  return Math.max(1, rules?.defaultApprovals ?? 1, ...applying.map((r) => r.required));
}

function requirementOf(
  change: GovernedFileChange,
  context: GovernanceContext,
): Pick<GovernanceItem, 'required' | 'owners' | 'source' | 'affects'> {
  const tasks = context.proposedTasks;
  const admins = { of: 'the repository', members: [] };
  if (change.area === 'config') {
    return {
      required: strictestBar(context.policy),
      owners: [admins],
      affects: tasks.map((t) => t.metadata.name),
      source:
        "a change to ZeroOps' config needs the strictest bar of the policy it changes, with an admin or maintainer of the repository",
    };
  }
  const services = change.area === 'service' ? declared(change, 'Service') : servicesUsing(change, context);
  const affects = (
    change.area === 'template'
      ? tasksPinning(declared(change, 'Template'), tasks)
      : change.area === 'script'
        ? tasksRunning(change.path, context)
        : tasks.filter((t) => services.includes(t.metadata.service))
  ).map((t) => t.metadata.name);
  if (services.length === 0 && change.area === 'script') {
    // A helper any script may call: nobody in particular owns it, so it takes the bar of the policy itself.
    return {
      required: strictestBar(context.policy),
      owners: [admins],
      affects,
      source:
        'a script no service or task names directly may be called by any of them: it needs the strictest bar, with an admin or maintainer',
    };
  }
  // A service file naming a database, backend or workload another service acts on reaches it too.
  const claimants =
    change.area === 'service'
      ? [
          ...new Set(
            context.proposedServices
              .filter((s) => services.includes(s.metadata.name))
              .flatMap((s) => claimantsOf(s, context.approvedServices).map((c) => c.name)),
          ),
        ].filter((name) => !services.includes(name))
      : [];
  const holding = [...services, ...claimants];
  return {
    required: strictestBar(context.policy, environmentsOf(holding, context)),
    owners: holding.map((name) => ownersOf(name, context)),
    affects,
    source:
      `a change to a ${change.area} needs the strictest bar of its services' environments, with an owner of each ` +
      'service as the approved state names them' +
      (claimants.length ? ` (and of ${claimants.join(', ')}, which act on targets it names)` : ''),
  };
}

/** Services whose tasks use a template, or that run a script (by their own commands or their tasks). */
function servicesUsing(change: GovernedFileChange, context: GovernanceContext): string[] {
  const users =
    change.area === 'template'
      ? tasksPinning(declared(change, 'Template'), context.proposedTasks)
      : tasksRunning(change.path, context);
  return [
    ...new Set([
      ...users.map((t) => t.metadata.service),
      ...(change.area === 'script' ? servicesRunning(change.path, context) : []),
    ]),
  ].sort();
}

function environmentsOf(services: readonly string[], context: GovernanceContext): string[] {
  return [...context.approvedServices, ...context.proposedServices]
    .filter((s) => services.includes(s.metadata.name))
    .flatMap((s) => s.spec.environments);
}

function ownersOf(service: string, context: GovernanceContext): OwnerGroup {
  return {
    of: `service ${service}`,
    members: context.approvedServices.find((s) => s.metadata.name === service)?.spec.owners ?? [],
  };
}

/** Names of the documents of a kind in either version of the file. */
function declared(change: GovernedFileChange, kind: string): string[] {
  const names = new Set<string>();
  for (const text of [change.before, change.after]) {
    for (const doc of text === undefined ? [] : loadYaml(change.path, text).documents) {
      const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (value?.kind === kind && typeof value.metadata?.name === 'string') names.add(value.metadata.name);
    }
  }
  return [...names].sort();
}

function tasksPinning(templates: string[], tasks: readonly TaskManifest[]): TaskManifest[] {
  return tasks.filter((t) => {
    const ref = (t.spec as { template?: unknown }).template;
    return typeof ref === 'string' && templates.includes(ref.split('@')[0]!);
  });
}

/** Runbook tasks whose steps run the script. */
function tasksRunning(path: string, context: GovernanceContext): TaskManifest[] {
  const services = servicesRunning(path, context);
  return context.proposedTasks.filter((task) => {
    if (task.kind === 'Runbook')
      return task.spec.steps.some((s) =>
        [s.action, s.undo].some((a) => a?.provider === 'command' && programOf(a.params) === path),
      );
    return (task.kind === 'Restart' || task.kind === 'ConfigUpdate') && services.includes(task.metadata.service);
  });
}

/** Services whose own commands (deploy, restart, config) run the script, before or after the change. */
function servicesRunning(path: string, context: GovernanceContext): string[] {
  const runs = (s: Service) =>
    [s.spec.deploy?.command, s.spec.restart?.command, s.spec.config?.command].some(
      (c) => c?.[0] !== undefined && scriptPath(c[0]) === path,
    );
  return [
    ...new Set([...context.approvedServices, ...context.proposedServices].filter(runs).map((s) => s.metadata.name)),
  ];
}

const programOf = (params: unknown) => {
  const argv = (params as { argv?: unknown } | undefined)?.argv;
  return Array.isArray(argv) && typeof argv[0] === 'string' ? scriptPath(argv[0]) : undefined;
};

function fingerprintOf(change: GovernedFileChange): string {
  return `sha256:${createHash('sha256')
    .update(`governed\n${change.path}\n${change.afterId ?? 'removed'}`)
    .digest('hex')}`;
}
