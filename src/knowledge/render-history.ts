/**
 * "What history says" on a plan: for each task, the finished runs most like it, how they ended,
 * and what they teach (a gate metric that kept rolling them back — bound by this plan or not — and
 * reasons the kind failed). Pure Markdown; links are the pull requests that ran them.
 */
import type { Plan } from '../plan/types.js';
import { templateOf, versionOf, type CaseRecord } from './case-record.js';
import { lessonsFrom, similarCases, type Lesson } from './similar-cases.js';
import { countBy } from './count-by.js';
import { cell } from '../plan/markdown.js';

const said: Partial<Record<CaseRecord['status'], string>> = {
  succeeded: 'succeeded',
  rolled_back: 'rolled back',
  failed: 'failed',
  aborted: 'aborted',
};

export function renderHistory(plans: readonly Plan[], records: readonly CaseRecord[], pullNumber?: number): string {
  const sections = plans.flatMap((plan) => {
    const cases = similarCases(
      {
        kind: plan.task.kind,
        service: plan.task.service,
        template: templateOf(plan),
        version: versionOf(plan),
        pullNumber,
      },
      records,
    );
    return cases.length ? [planHistory(plan, cases)] : [];
  });
  if (sections.length === 0) return '';
  return ['### What history says', ...sections].join('\n\n');
}

function planHistory(plan: Plan, cases: CaseRecord[]): string {
  const { kind, service } = plan.task;
  const tally = Object.entries(countBy(cases.map((c) => said[c.status] ?? c.status)))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const lessons = lessonsFrom(cases).map((lesson) => `- ⚠ ${lessonLine(lesson, plan)}`);
  return [
    `**\`${plan.task.name}\`**: the last ${cases.length} ${kind} run(s) of ${service}: ${tally}.`,
    ...lessons,
    '',
    '| Pull request | Task | Template | Ended | Why | Took |',
    '|---|---|---|---|---|---|',
    ...cases.map(
      (c) =>
        `| #${c.pullNumber} | \`${c.task}\`${c.version ? ` ${c.version}` : ''} | ${c.template ?? '—'} | ` +
        `${said[c.status] ?? c.status} | ${shortCell(why(c))} | ${took(c.durationSeconds)} |`,
    ),
  ].join('\n');
}

function lessonLine(lesson: Lesson, plan: Plan): string {
  const links = lesson.cases.map((c) => `#${c.pullNumber}`).join(', ');
  const { kind, service } = plan.task;
  if (lesson.kind === 'failure') return `a ${kind} of ${service} failed before: ${lesson.reason} (${links}).`;
  const gate = plan.steps.flatMap((s) => s.gates).find((g) => g.metric === lesson.metric);
  const template = new Set(lesson.cases.map((c) => c.template));
  const withTemplate = template.size === 1 && [...template][0] ? ` with ${[...template][0]}` : '';
  return (
    `the last ${lesson.cases.length} ${kind}s of ${service}${withTemplate} that ended early breached ` +
    `\`${lesson.metric}\` (${links}); ` +
    (gate
      ? `this plan gates on it (${gate.display}).`
      : `this plan does not gate on \`${lesson.metric}\`: bind it in \`spec.analysis\`.`)
  );
}

function why(c: CaseRecord): string {
  const breach = c.breaches.at(-1);
  if (breach)
    return `\`${breach.metric}\` ${seen(breach.value, breach.limit)} against ${breach.limit} at \`${breach.step}\``;
  return c.status === 'succeeded' ? '—' : (c.reason ?? '—');
}

/** A gate's value as its limit is written: a share against a percentage, else three significant digits. */
function seen(value: number | null, limit: string): string {
  if (value === null) return 'no data';
  return limit.includes('%') ? `${Number((value * 100).toPrecision(3))}%` : String(Number(value.toPrecision(3)));
}

const took = (seconds?: number) =>
  seconds === undefined ? '—' : seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;

const shortCell = (text: string) => cell(text).slice(0, 160);
