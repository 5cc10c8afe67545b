/**
 * `zeroops lab pr open|review|merge|comment|show`: drive the running lab's pull requests from
 * another terminal, as one of its users, and print what ZeroOps answers (its checks and comments),
 * following a merged pull request's runs until they finish.
 */
import type { PullView } from './control-server.js';
import { readLabState, type LabState } from './lab-state.js';

export interface PrFlags {
  title?: string;
  as?: string;
  'request-changes'?: boolean;
}

const usage =
  'the lab pr commands are: open [--title T], review N [--request-changes], merge N, comment N "text", show N (each takes --as LOGIN)';

export async function labPr(args: string[], flags: PrFlags, out: (line: string) => void): Promise<number> {
  const [verb, number, ...rest] = args;
  const lab = readLabState();
  const call = (method: string, path: string, body?: object) => request(lab, method, path, body);
  const who = (fallback: string) => flags.as ?? fallback;
  switch (verb) {
    case 'open': {
      const opened = await call('POST', '/pulls', { title: flags.title, user: who('developer') });
      out(`Opened #${opened.number} "${opened.title}" as @${opened.author}.`);
      return show(out, await until(call, opened.number, (v) => done(v, 'ZeroOps plan')));
    }
    case 'review': {
      const before = (await call('GET', `/pulls/${need(number)}`)).checks.length;
      const state = flags['request-changes'] ? 'request-changes' : 'approve';
      await call('POST', `/pulls/${number}/reviews`, { user: who(reviewer(lab)), state });
      return show(out, await until(call, Number(number), (v) => v.checks.length > before), 'ZeroOps approval');
    }
    case 'merge': {
      const merged = await call('POST', `/pulls/${need(number)}/merge`, { user: who('developer') });
      const said = await until(call, merged.number, (v) => v.comments.some((c) => /^(🚀|⛔|🕒)/.test(c.body)));
      const answers = said.comments.filter((c) => /^(🚀|⛔|🕒)/.test(c.body));
      for (const comment of answers) out(comment.body);
      if (!answers.some((c) => c.body.startsWith('🚀'))) return answers.length ? 1 : 0;
      return follow(out, call, merged.number);
    }
    case 'comment': {
      const before = (await call('GET', `/pulls/${need(number)}`)).comments.length;
      await call('POST', `/pulls/${number}/comments`, { user: who('developer'), body: rest.join(' ') });
      const answered = await until(call, Number(number), (v) => v.comments.length > before + 1);
      for (const comment of answered.comments.slice(before + 1)) out(`@${comment.author}: ${comment.body}`);
      return 0;
    }
    case 'show':
      return show(out, await call('GET', `/pulls/${need(number)}`));
    default:
      throw new Error(usage);
  }
}

const need = (number: string | undefined) => {
  if (!number || !/^\d+$/.test(number)) throw new Error(`which pull request? ${usage}`);
  return number;
};

/** An owner of the service who is a person (not a team), else the lab's admin. */
const reviewer = (lab: LabState) => lab.users.find((u) => u.note.startsWith('owner'))?.login ?? 'lab-admin';

const done = (view: PullView, name: string) => view.checks.some((c) => c.name === name && c.status === 'completed');

function show(out: (line: string) => void, view: PullView, only?: string): number {
  out(`#${view.number} ${view.title} (${view.merged ? 'merged' : view.state}, by @${view.author})`);
  for (const check of view.checks.filter((c) => !only || c.name === only))
    out(`  ✔ ${check.name}: ${check.conclusion ?? check.status} — ${check.title ?? ''}`);
  if (!only) for (const comment of view.comments) out(`\n@${comment.author}:\n${comment.body}`);
  else {
    const latest = view.checks.filter((c) => c.name === only).at(-1);
    if (latest?.summary) out(latest.summary);
  }
  return 0;
}

/** Prints each run's check as it changes, until every run of the merge has finished. */
async function follow(out: (line: string) => void, call: Caller, number: number): Promise<number> {
  const seen = new Map<string, string>();
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    const view = await call('GET', `/pulls/${number}`);
    const runs = view.checks.filter((c) => c.name.startsWith('ZeroOps run: '));
    for (const run of runs) {
      const line = `${run.name}: ${run.conclusion ?? run.status} — ${run.title ?? ''}`;
      if (seen.get(run.name) !== line) out(`  ${line}`);
      seen.set(run.name, line);
    }
    if (runs.every((r) => r.status === 'completed')) return runs.some((r) => r.conclusion !== 'success') ? 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  out('  (still running: follow it with npx zeroops lab pr show N)');
  return 0;
}

type Caller = (method: string, path: string, body?: object) => Promise<PullView>;

async function until(call: Caller, number: number, ready: (view: PullView) => boolean): Promise<PullView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await call('GET', `/pulls/${number}`);
    if (ready(view) || Date.now() > deadline) return view;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function request(lab: LabState, method: string, path: string, body?: object): Promise<PullView> {
  const response = await fetch(`${lab.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-lab-token': lab.token },
    body: body && JSON.stringify(body),
  });
  const answer = (await response.json()) as PullView & { error?: string };
  if (!response.ok) throw new Error(answer.error ?? `the lab answered ${response.status}`);
  return answer;
}
