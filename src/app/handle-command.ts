/**
 * Use case: a comment `/zeroops <command>` on a merged pull request steers its runs. Only people
 * with write access are obeyed; every command is acknowledged, answered and recorded in the chain.
 */
import type { RunReporter, Scheduler } from '../engine/ports.js';
import { applyCommand, approvalRefused, type Command } from '../engine/machine.js';
import { isTerminal, type Run } from '../engine/run.js';
import { commit } from '../engine/runner.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import type { Store } from '../engine/store.js';
import { approverProblem, describeOwners, isOwner, type Permission } from '../policy/approvals.js';
import { ownerGroupsOf } from './plan-record.js';
import { authorship, teamsOf } from './approval-status.js';
import { repoKey } from './record-keys.js';
import type { Log } from './ports.js';
import type { RequestOutcome, TaskAsk } from './request-task.js';

export interface CommandDeps {
  forge: Forge;
  store: Store;
  scheduler: Scheduler;
  reporter: RunReporter;
  clock: () => Date;
  log: Log;
  /** Runs a remediation of the incident filed as this issue; says what happened, in words. */
  remediate?: (issue: { repo: RepoRef; number: number }, option: string, by: string) => Promise<string>;
  /** Confirms the drain of a datacenter the watch asked about on this issue; says what happened. */
  failover?: (issue: { repo: RepoRef; number: number }, dc: string, by: string) => Promise<string>;
  /** A request in words on an issue: a task proposed as a pull request, or a question back. */
  request?: (ask: TaskAsk) => Promise<RequestOutcome>;
  /** A question over the runs and incidents of the repository, answered in Markdown. */
  ask?: (repo: RepoRef, question: string) => Promise<string>;
}

export interface CommandComment {
  repo: RepoRef;
  number: number;
  commentId: number;
  author: string;
  body: string;
  /** Whether the comment is on a pull request (its runs) rather than an issue. */
  onPullRequest?: boolean;
}

const usage =
  'Commands: `/zeroops pause`, `resume`, `abort`, `rollback`, `approve-step <step>`, `status`; ' +
  'on an incident, `remediate <option>` or `failover <datacenter>`; anywhere, `ask <question>`; ' +
  'on an issue, a request in words, e.g. `/zeroops restart checkout`.';

/** A command is the comment's first line: a line quoted further down (in code, in a reply) is not one. */
export function parseCommand(body: string): { verb: string; arg?: string } | undefined {
  const match = /^\/zeroops[ \t]+([a-z-]+)(?:[ \t]+(\S+))?[ \t]*$/.exec(firstLine(body));
  return match ? { verb: match[1]!, arg: match[2] } : undefined;
}

const firstLine = (body: string) => body.trim().split(/\r?\n/)[0]!;

/** Commands on an issue; anything else said to ZeroOps on an issue is a request in words. */
const issueVerbs = ['remediate', 'failover', 'ask'];
/** Commands that steer the runs of a merged pull request: on an issue they are answered, never read as words. */
const runVerbs = ['pause', 'resume', 'abort', 'rollback', 'approve-step', 'status'];

export async function handleCommand(deps: CommandDeps, comment: CommandComment): Promise<void> {
  const parsed = parseCommand(comment.body);
  const words = /^\/zeroops[ \t]+(.+)$/.exec(firstLine(comment.body))?.[1]?.trim();
  const firstWord = words?.split(/\s+/)[0]?.toLowerCase();
  const isQuestion = firstWord === 'ask';
  const isRunCommand = parsed !== undefined && runVerbs.includes(parsed.verb);
  const isRequest = comment.onPullRequest === false && words && !isRunCommand && !issueVerbs.includes(firstWord ?? '');
  if (!parsed && !isRequest && !isQuestion) return;
  const reply = (text: string) =>
    deps.forge.comment(
      comment.repo,
      comment.number,
      `> ${comment.body.trim().split('\n')[0]}\n\n@${comment.author} ${text}`,
    );
  const permission = await deps.forge.permission(comment.repo, comment.author);
  if (!['admin', 'maintain', 'write'].includes(permission)) {
    await deps.forge.react(comment.repo, comment.commentId, '-1');
    await reply(
      `only people with write access to ${repoKey(comment.repo)} can ` +
        `${isRequest || isQuestion ? 'ask ZeroOps' : 'steer runs'}; nothing was done.`,
    );
    return;
  }
  if (isRequest) return answerRequest(deps, comment, words!, reply);
  if (comment.onPullRequest === false && isRunCommand) {
    await deps.forge.react(comment.repo, comment.commentId, 'confused');
    await reply(
      `\`${parsed!.verb}\` steers the runs of a merged pull request: say it there. On an issue, ask in words, ` +
        'e.g. `/zeroops roll back v1.2`.',
    );
    return;
  }
  if (isQuestion) {
    const question = words!.replace(/^ask\s*/i, '');
    const answer = !question
      ? 'ask what? e.g. `/zeroops ask which tasks hit Redis errors in the last three months?`'
      : deps.ask
        ? await deps.ask(comment.repo, question).catch((error: Error) => failedBecause(deps, error))
        : 'questions need the store of ZeroOps workers (REDIS_URL); nothing was looked up.';
    await deps.forge.react(comment.repo, comment.commentId, 'eyes');
    await reply(answer);
    return;
  }
  if (!parsed) return;
  if (parsed.verb === 'remediate' || parsed.verb === 'failover') {
    // Only a person decides to remediate: never a bot, not even ZeroOps answering itself.
    const act = parsed.verb === 'remediate' ? deps.remediate : deps.failover;
    const answer = comment.author.endsWith('[bot]')
      ? `bots cannot ask for a ${parsed.verb}; nothing was done.`
      : !parsed.arg
        ? `which ${parsed.verb === 'remediate' ? 'remediation' : 'datacenter'}? ${usage}`
        : act
          ? await act({ repo: comment.repo, number: comment.number }, parsed.arg, comment.author)
          : `a ${parsed.verb} needs ZeroOps workers (REDIS_URL); nothing was done.`;
    await deps.forge.react(comment.repo, comment.commentId, answer.startsWith('▶') ? 'rocket' : 'confused');
    await reply(answer);
    return;
  }
  const runs = (await deps.store.runs({ repo: comment.repo.repo, pullNumber: comment.number })).filter(
    (r) => r.repo.owner === comment.repo.owner,
  );
  if (parsed.verb === 'status') {
    await deps.forge.react(comment.repo, comment.commentId, 'eyes');
    await reply(runs.length ? runs.map(statusLine).join('\n') : 'this pull request has no runs.');
    return;
  }
  const command = toCommand(parsed, comment.author);
  if (!command) {
    await deps.forge.react(comment.repo, comment.commentId, 'confused');
    await reply(`I do not know \`${parsed.verb}\`. ${usage}`);
    return;
  }
  const active = runs.filter((r) => !isTerminal(r.status));
  if (active.length === 0) {
    await deps.forge.react(comment.repo, comment.commentId, 'confused');
    await reply('no run of this pull request is in progress.');
    return;
  }
  // A judgment is a person's: a bot neither approves a step nor overrules one (the adapter drops bots too).
  if (['approve-step', 'rollback', 'resume'].includes(command.kind) && comment.author.endsWith('[bot]')) {
    await deps.forge.react(comment.repo, comment.commentId, '-1');
    await reply(`bots cannot ${command.kind === 'approve-step' ? 'approve steps' : command.kind}; nothing was done.`);
    return;
  }
  let steered = active;
  let given = command;
  if (command.kind === 'approve-step') {
    const chosen = runsAsking(active, command.step);
    if (typeof chosen === 'string') {
      await deps.forge.react(comment.repo, comment.commentId, 'confused');
      await reply(`${chosen}; nothing was done.`);
      return;
    }
    const problem = await stepApprovalProblem(deps, comment, permission, chosen.runs);
    if (problem) {
      await deps.forge.react(comment.repo, comment.commentId, '-1');
      await reply(`approving a step follows the review rules, and ${problem}; nothing was done.`);
      return;
    }
    steered = chosen.runs;
    given = { ...command, step: chosen.step };
  }
  const overruled = overruling(command, active);
  if (overruled) {
    const problem = await stepApprovalProblem(deps, comment, permission, overruled.runs);
    if (problem) {
      await deps.forge.react(comment.repo, comment.commentId, '-1');
      await reply(`${overruled.why}, so it follows the review rules, and ${problem}; nothing was done.`);
      return;
    }
  }
  const answers: string[] = [];
  for (const run of steered) answers.push(await steer(deps, run.id, given));
  await deps.forge.react(comment.repo, comment.commentId, '+1');
  await reply(answers.join('\n'));
}

async function answerRequest(
  deps: CommandDeps,
  comment: CommandComment,
  words: string,
  reply: (text: string) => Promise<void>,
): Promise<void> {
  // Only a person asks for work: never a bot, not even ZeroOps answering itself.
  const outcome = comment.author.endsWith('[bot]')
    ? { reply: 'bots cannot ask for tasks; nothing was done.' }
    : deps.request
      ? await deps
          .request({ repo: comment.repo, number: comment.number, by: comment.author, text: words })
          .catch((error: Error) => ({ reply: failedBecause(deps, error), opened: undefined }))
      : { reply: 'requests in words need ZeroOps workers (REDIS_URL); nothing was done.' };
  await deps.forge.react(comment.repo, comment.commentId, outcome.opened ? 'rocket' : 'confused');
  await reply(outcome.reply);
}

/** A request or question that failed (GitHub refused, the store was away): said plainly, and logged. */
function failedBecause(deps: CommandDeps, error: Error): string {
  deps.log.warn({ err: error.message }, 'a request in words or a question failed');
  return `that could not be done: ${error.message.slice(0, 300)}. Nothing was opened; try again.`;
}

/**
 * A step's approval is a judgment gate: it takes what a review takes (not the author, not the last
 * pusher, write access) and an owner of the service where the plan needs one.
 */
async function stepApprovalProblem(
  deps: CommandDeps,
  comment: CommandComment,
  permission: Permission,
  runs: Run[],
): Promise<string | undefined> {
  const who = {
    ...(await authorship(deps, comment.repo, comment.number)),
    permissions: { [comment.author]: permission },
  };
  const problem = approverProblem(comment.author, who);
  if (problem) return problem;
  const groups = runs.flatMap((r) => ownerGroupsOf(r.plan));
  const teams = await teamsOf(
    deps.forge,
    [{ name: 'step', fingerprint: '', required: 0, owners: groups }],
    [comment.author],
  );
  const missing = groups.find((g) => !isOwner(comment.author, g, { ...who, teams }));
  return missing && `it needs ${describeOwners(missing)}`;
}

/**
 * Runs where a command undoes a person's judgment: a rollback past an approved step (after
 * switch-readers, the undo drops the column the application was switched to read), or a resume
 * of what somebody else paused. Those take what an approval takes; stopping stays open to writers.
 */
function overruling(command: Command, active: Run[]): { runs: Run[]; why: string } | undefined {
  const lower = (login: string | undefined) => login?.toLowerCase();
  if (command.kind === 'rollback') {
    const judged = (r: Run) =>
      r.steps.filter(
        (s) => s.approvedBy || (s.status === 'succeeded' && r.plan.steps.find((p) => p.id === s.id)?.approval),
      );
    const runs = active.filter((r) => r.status !== 'rolling_back' && judged(r).length > 0);
    const approved = runs.flatMap((r) => judged(r).map((s) => (s.approvedBy ? `${s.id} (@${s.approvedBy})` : s.id)));
    return runs.length ? { runs, why: `a rollback undoes approved steps: ${approved.join(', ')}` } : undefined;
  }
  if (command.kind === 'resume') {
    const runs = active.filter((r) => r.status === 'paused' && r.pausedBy && lower(r.pausedBy) !== lower(command.by));
    const who = [...new Set(runs.map((r) => `@${r.pausedBy}`))].join(', ');
    return runs.length ? { runs, why: `resuming what ${who} paused is a judgment` } : undefined;
  }
  return undefined;
}

/**
 * The one run an approval is for: `<step>`, or `<task>/<step>` when several runs of the pull request
 * ask for a step of that name at once (each is its own judgment). A string says why none is.
 */
function runsAsking(active: Run[], named: string): { runs: Run[]; step: string } | string {
  const cut = named.lastIndexOf('/');
  const task = cut > 0 ? named.slice(0, cut) : undefined;
  const step = named.slice(cut + 1);
  const candidates = task === undefined ? active : active.filter((r) => r.plan.task.name === task);
  if (candidates.length === 0) return `no run of this pull request is task \`${task}\``;
  const asking = candidates.filter((r) => approvalRefused(r, step) === undefined);
  if (asking.length === 0)
    return candidates.map((r) => `\`${r.plan.task.name}\`: ${approvalRefused(r, step)}`).join('\n');
  if (asking.length > 1)
    return (
      `${asking.length} runs wait for approval of step ${step}: approve each on its own, ` +
      asking.map((r) => `\`/zeroops approve-step ${r.plan.task.name}/${step}\``).join(' or ')
    );
  return { runs: asking, step };
}

function toCommand(parsed: { verb: string; arg?: string }, by: string): Command | undefined {
  if (['pause', 'resume', 'abort', 'rollback'].includes(parsed.verb)) return { kind: parsed.verb as 'pause', by };
  if (parsed.verb === 'approve-step' && parsed.arg) return { kind: 'approve-step', step: parsed.arg, by };
  return undefined;
}

/** Apply a command to the latest state of a run; a concurrent change means: read again, try again. */
async function steer(deps: CommandDeps, runId: string, command: Command): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const run = (await deps.store.run(runId))!;
    const result = applyCommand(run, command, deps.clock());
    const name = `\`${run.plan.task.name}\``;
    if (result.refused) return `${name}: not done — ${result.refused}.`;
    const saved = await commit(deps, run, result);
    if (!saved) continue;
    await deps.scheduler.later(saved.id, saved.version, 0);
    return `${name}: ${command.kind}${command.kind === 'approve-step' ? ` ${command.step}` : ''} done; the run is now ${saved.status.replace('_', ' ')}.`;
  }
  return 'the run kept changing under the command; try again.';
}

function statusLine(run: Run): string {
  const done = run.steps.filter((s) => s.status === 'succeeded').length;
  return `- \`${run.plan.task.name}\`: **${run.status.replace('_', ' ')}**, ${done}/${run.steps.length} steps${run.reason ? ` — ${run.reason}` : ''}`;
}
