/**
 * The pure pipeline from manifest files to findings and plans: load and schema-check (pass one),
 * semantic rules (pass two), context completion, compilation by kind, conflicts across plans.
 */
import { completeTask } from '../manifest/complete.js';
import { sortDiagnostics, type Diagnostic } from '../manifest/diagnostic.js';
import { loadDocuments, type LoadedDocuments, type ManifestFile } from '../manifest/load.js';
import type { LoadedTask, OpsRepo, Service } from '../manifest/model.js';
import { assembleOpsRepo } from '../manifest/ops-repo.js';
import { durationsParse } from '../manifest/rules/durations.js';
import { configRules, serviceRules, templateRules } from '../manifest/rules/inventory.js';
import { reporter, runRules, type Rule } from '../manifest/rules/rule.js';
import { referenceRules, valueRules } from '../manifest/rules/task-rules.js';
import { completedSource } from '../manifest/completed-source.js';
import { checkSchema } from '../manifest/schema-check.js';
import { executesTask } from '../kinds/kind.js';
import type { LaneStatus } from '../lanes/lane-state.js';
import { kinds } from '../kinds/registry.js';
import { loadSqlParser } from '../kinds/schema-change/sql.js';
import { assemblePlan } from '../plan/assemble.js';
import { conflictsBetween } from '../plan/conflicts.js';
import type { Lane } from '../lanes/lane.js';
import { checkLanes } from './check-lanes.js';
import { scriptPath } from '../policy/governed-files.js';
import { actionName, executableActions, isExecutable } from '../plan/executable-actions.js';
import { code } from '../plan/markdown.js';
import type { Action, KindPlan, Plan } from '../plan/types.js';

export interface CheckInput {
  /** Files whose findings are reported and whose tasks are planned. */
  files: ManifestFile[];
  /** The rest of the ops repo, used for lookups only. */
  context?: ManifestFile[];
  /**
   * The config to plan with when it must come from elsewhere (the PR's base branch); null when that
   * place has none, so ZeroOps' defaults apply and a change cannot bring its own policy.
   */
  policyConfig?: ManifestFile | null;
  /**
   * The services of the approved state: their owners approve (a change cannot choose who approves
   * it; a service missing here has no owners yet, and its owner approval falls to admins), and one
   * that acts on a task's targets holds the task too.
   */
  approvedServices?: readonly Service[];
  /** Content ids of the files under scripts/ at the planned commit: the scripts a plan runs are part of it. */
  scripts?: Map<string, string>;
  /** What the store knows of each lane (`service/env/lane`): retired ones are not live. */
  laneStatuses?: ReadonlyMap<string, LaneStatus>;
}

export interface CheckResult {
  plans: Plan[];
  diagnostics: Diagnostic[];
  repo: OpsRepo;
  /** Every task of the repository, reported or context. */
  tasks: LoadedTask[];
  /** The canary lanes live once the change is merged, where it brings a Rollout. */
  lanes: Lane[];
}

export async function checkAndPlan(input: CheckInput): Promise<CheckResult> {
  await loadSqlParser();
  const reported = loadDocuments(input.files);
  const context = loadDocuments(input.context ?? []);
  const policy =
    input.policyConfig === undefined ? undefined : loadDocuments(input.policyConfig ? [input.policyConfig] : []);
  const merged = (key: 'services' | 'templates' | 'tasks') => [...reported[key], ...context[key]] as never;
  const { repo, diagnostics: repoProblems } = assembleOpsRepo({
    configs: policy ? policy.configs : [...reported.configs, ...context.configs],
    services: merged('services'),
    templates: merged('templates'),
    tasks: merged('tasks'),
  });
  repo.approvedServices = input.approvedServices;
  repo.scripts = input.scripts;
  const diagnostics = [
    ...reported.diagnostics,
    ...(policy?.diagnostics ?? []),
    ...repoProblems.filter((d) => isReported(d, input.files)),
  ];
  diagnostics.push(...checkInventory(reported, repo));
  const plans: Plan[] = [];
  for (const task of reported.tasks) {
    const outcome = planTask(task, repo);
    diagnostics.push(...outcome.diagnostics);
    if (outcome.plan) plans.push(outcome.plan);
  }
  diagnostics.push(...conflictsBetween(plans, reported.tasks));
  const lanes = checkLanes(
    reported.tasks,
    merged('tasks'),
    repo,
    new Set(plans.map((p) => p.task.name)),
    new Set(reported.templates.map((t) => t.manifest.metadata.name)),
    input.laneStatuses,
  );
  diagnostics.push(...lanes.diagnostics);
  return { plans, diagnostics: sortDiagnostics(diagnostics), repo, tasks: merged('tasks'), lanes: lanes.lanes };
}

/**
 * Whatever a plan runs must be a script of the repository, wherever the command came from (the
 * service's restart or config command, a template): the net under the rules of each file.
 */
function programsOutsideScripts(task: LoadedTask, compiled: KindPlan, repo: OpsRepo): Diagnostic[] {
  const service = repo.services.get(task.manifest.metadata.service);
  const actions = [
    ...compiled.steps.flatMap((s) => [s.action, ...(s.inverse && s.inverse !== 'none-needed' ? [s.inverse] : [])]),
    ...(compiled.rollback ?? []).map((r) => r.action),
  ];
  const programs = new Set(
    actions
      .filter((a) => a.provider === 'command')
      .map((a) => (a.params.argv as unknown[] | undefined)?.[0])
      .filter((p): p is string => typeof p === 'string'),
  );
  const found: Diagnostic[] = [];
  for (const program of programs) {
    const script = scriptPath(program);
    if (script && (!repo.scripts || repo.scripts.has(script))) continue;
    const field = (['restart', 'config', 'deploy'] as const).find(
      (f) => service?.manifest.spec[f]?.command?.[0] === program,
    );
    const where =
      field && service
        ? ` (${service.doc.file}:${service.doc.at(['spec', field, 'command', 0]).line}, spec.${field}.command)`
        : '';
    found.push({
      file: task.doc.file,
      ...task.doc.at(['metadata', 'service']),
      severity: 'error',
      field: 'metadata.service',
      rule: 'runs-only-scripts',
      message: script
        ? `this task runs ${script}${where}, which is not in this commit's scripts/ folder`
        : `this task runs '${program}'${where}, which is not a script of this repository: commands run files under scripts/`,
    });
  }
  return found;
}

/** An executing kind's plan may only need what this version carries out; say which action is missing, where it came from. */
function actionsNotExecutable(task: LoadedTask, compiled: KindPlan): Diagnostic[] {
  const found: Diagnostic[] = [];
  const report = reporter(task.doc, 'executable-actions', found);
  const steps = (task.manifest.spec as { steps?: unknown[] }).steps;
  const missing = (action: Action, stepId?: string) => {
    if (isExecutable(action)) return;
    const index =
      task.manifest.kind === 'Runbook' && Array.isArray(steps)
        ? steps.findIndex((s) => (s as { name?: string }).name === stepId)
        : -1;
    const path = index >= 0 ? ['spec', 'steps', index, 'action'] : ['metadata', 'service'];
    report(
      path,
      `${code(actionName(action))} cannot be executed by this version of ZeroOps, so the plan would fail when it got there; what executes: ${executableActions.join(', ')}`,
    );
  };
  for (const step of compiled.steps) {
    missing(step.action, step.id);
    if (step.inverse && step.inverse !== 'none-needed') missing(step.inverse, step.id);
  }
  for (const undo of compiled.rollback ?? []) missing(undo.action, undo.undoes);
  return [...new Map(found.map((d) => [`${d.line}:${d.col}:${d.message}`, d])).values()];
}

const isReported = (d: Diagnostic, files: ManifestFile[]) => files.some((f) => f.path === d.file);

function checkInventory(docs: LoadedDocuments, repo: OpsRepo): Diagnostic[] {
  const durations = durationsParse as Rule<never>;
  return [
    ...runRules([...serviceRules, durations], docs.services, repo),
    ...runRules(configRules, docs.configs, repo),
    ...runRules(templateRules, docs.templates, repo),
  ];
}

/**
 * References first (the service, the template): completion needs them. Then every value rule on
 * the completed task, so a template's value is held to the same rules as the task's own, and
 * reported where it was written.
 */
function planTask(task: LoadedTask, repo: OpsRepo): { plan?: Plan; diagnostics: Diagnostic[] } {
  const kind = kinds[task.manifest.kind];
  const diagnostics = runRules(referenceRules, [task], repo);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const completed = completeTask(task, repo, kind.defaults);
  const report = reporter(task.doc, 'complete-after-defaults', diagnostics);
  for (const field of kind.requiredAfterCompletion) {
    if (completed.spec[field] === undefined)
      report(['spec'], `spec.${field} is missing: set it, or pin a template that provides it`, { target: 'key' });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const source = completedSource(completed);
  diagnostics.push(...checkSchema(source.doc, task.manifest.kind));
  if (!diagnostics.some((d) => d.severity === 'error'))
    diagnostics.push(...runRules([...valueRules, ...kind.rules], [source], repo));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  try {
    const compiled = kind.compile(completed);
    diagnostics.push(...programsOutsideScripts(task, compiled, repo));
    const executes = executesTask(kind, completed);
    if (executes) diagnostics.push(...actionsNotExecutable(task, compiled));
    if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
    return { plan: assemblePlan(completed, compiled, repo, executes), diagnostics };
  } catch (error) {
    // A compiler bug must cost one task its plan, never the whole check.
    report([], `ZeroOps could not plan this task (internal error: ${(error as Error).message}); please report it`);
    return { diagnostics };
  }
}
