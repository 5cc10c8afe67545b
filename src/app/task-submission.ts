/**
 * A task sent to the HTTP API: the request body read and checked field by field, the pull request
 * it asks for (branch, title, description), and the answer's view of its plans. Pure.
 */
import type { RepoRef } from '../forge/forge.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { loadDocuments } from '../manifest/load.js';
import { nameOf } from '../manifest/name-of.js';
import { code } from '../plan/markdown.js';
import { visibleText } from '../nl/provenance.js';
import type { Plan } from '../plan/types.js';
import { taskPathProblem, type TaskRequest } from './propose-task.js';

export interface TaskSubmission {
  repo: RepoRef;
  path: string;
  manifest: string;
  title?: string;
  reason?: string;
}

/** Why a request cannot be done: a field of the body, or a place in the manifest (file, line, column). */
export interface Problem {
  field: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface PlanSummary {
  task: string;
  kind: string;
  service: string;
  env: string;
  risk: string;
  executes: boolean;
  steps: { id: string; title: string }[];
}

const fields = ['repo', 'path', 'manifest', 'title', 'reason'];
const repoName = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/;

export function readSubmission(body: unknown): { submission: TaskSubmission } | { problems: Problem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { problems: [{ field: '(body)', message: 'send a JSON object with repo, path and manifest' }] };
  const given = body as Record<string, unknown>;
  const problems: Problem[] = Object.keys(given)
    .filter((key) => !fields.includes(key))
    .map((field) => ({ field, message: `unknown field: the fields are ${fields.join(', ')}` }));
  const text = (field: string, required: boolean): string | undefined => {
    const value = given[field];
    if (value === undefined && !required) return undefined;
    if (typeof value === 'string' && value.trim()) return value;
    problems.push({ field, message: `${required ? 'required' : 'when given'}: a string that is not empty` });
    return undefined;
  };
  const [repo, path, manifest, title, reason] = fields.map((f, i) => text(f, i < 3));
  if (repo !== undefined && !repoName.test(repo))
    problems.push({ field: 'repo', message: `'${repo}' is not owner/name` });
  const pathProblem = path === undefined ? undefined : taskPathProblem(path);
  if (pathProblem) problems.push({ field: 'path', message: pathProblem });
  if (problems.length) return { problems };
  const [owner, name] = repo!.split('/') as [string, string];
  return { submission: { repo: { owner, repo: name }, path: path!, manifest: manifest!, title, reason } };
}

/** The pull request: on `zeroops/api/<task name>`, so sending the same task again updates its pull request. */
export function taskRequest(submission: TaskSubmission): TaskRequest {
  const name = taskNameOf(submission);
  return {
    path: submission.path,
    text: submission.manifest,
    title: submission.title?.trim() ?? `Task ${name} (via the API)`,
    why: `Sent through the ZeroOps HTTP API${submission.reason ? `: ${code(visibleText(submission.reason))}` : '.'}`,
    branch: `zeroops/api/${name}`,
  };
}

/** The name of the file's one task, else the file's stem; in letters, digits and dashes (a branch's name). */
function taskNameOf({ path, manifest }: TaskSubmission): string {
  const { tasks } = loadDocuments([{ path, text: manifest }]);
  const stem = path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
  const name = tasks.length === 1 ? tasks[0]!.manifest.metadata.name : stem;
  return nameOf(name) || 'task';
}

export const problemsOf = (diagnostics: readonly Diagnostic[]): Problem[] =>
  diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.col, field: d.field, message: d.message }));

export const planSummary = (plan: Plan): PlanSummary => ({
  task: plan.task.name,
  kind: plan.task.kind,
  service: plan.task.service,
  env: plan.task.env,
  risk: plan.risk.level,
  executes: plan.executes,
  steps: plan.steps.map((s) => ({ id: s.id, title: s.title })),
});
