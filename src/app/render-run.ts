/** A run as people see it on the pull request: its check run's title, summary and timeline. Pure. */
import type { Evidence, Run } from '../engine/run.js';
import type { CheckUpdate } from '../forge/forge.js';
import { isTerminal } from '../engine/run.js';

const icons: Record<string, string> = { pending: '⚪', running: '🔵', holding: '⏳', succeeded: '✅', failed: '❌' };

/** `lanes`: the lane map of a canary lane's service, shown under the timeline. */
export function runCheck(run: Run, lanes?: string): CheckUpdate {
  const conclusion = (
    { succeeded: 'success', rolled_back: 'failure', failed: 'failure', aborted: 'cancelled' } as const
  )[run.status as 'succeeded'];
  return {
    status: isTerminal(run.status) ? 'completed' : 'in_progress',
    ...(conclusion ? { conclusion: conclusion as CheckUpdate['conclusion'] } : {}),
    title: `${run.status.replace('_', ' ')}${run.reason ? `: ${run.reason}` : ''}`.slice(0, 250),
    summary: runSummary(run),
    text: lanes ? `${timeline(run)}\n\n${lanes}` : timeline(run),
  };
}

export function runSummary(run: Run): string {
  const done = run.steps.filter((s) => s.status === 'succeeded').length;
  return [
    `**${run.plan.task.kind} \`${run.plan.task.name}\`** of ${run.plan.task.service} in ${run.plan.task.env} — ${run.plan.summary}.`,
    '',
    `Status: **${run.status.replace('_', ' ')}** · ${done}/${run.steps.length} steps done · started by @${run.startedBy} from ${run.mergeSha.slice(0, 7)} · plan \`${run.plan.fingerprint.slice(0, 19)}\``,
    ...(run.reason ? ['', `> ${run.reason}`] : []),
    ...(run.locks.some((l) => !l.held)
      ? [
          '',
          `Locks: ${run.locks.map((l) => `\`${l.key}\` ${l.held ? 'held' : l.position < 0 ? 'next, once the ones before are held' : `queued at position ${l.position}${l.heldBy ? ` behind ${l.heldBy}` : ''}`}`).join(', ')}`,
        ]
      : []),
  ].join('\n');
}

export function timeline(run: Run): string {
  const rows = run.steps.map((state) => {
    const step = run.plan.steps.find((s) => s.id === state.id)!;
    const duration =
      state.startedAt && state.finishedAt
        ? `${((Date.parse(state.finishedAt) - Date.parse(state.startedAt)) / 1000).toFixed(1)}s`
        : '—';
    return (
      `| ${icons[state.status] ?? ''} \`${state.id}\` ${step.title}${noteOf(state)} | ` +
      `${state.status}${state.attempts > 1 ? ` (attempt ${state.attempts})` : ''} | ` +
      `${state.startedAt?.slice(11, 19) ?? '—'} | ${duration} | ${evidenceCell(state.evidence)} |`
    );
  });
  const undo = run.undo.length
    ? [
        '',
        '**Rollback**',
        '',
        ...run.undo.map(
          (u, i) =>
            `${i + 1}. ${u.status === 'succeeded' ? '✅' : u.status === 'failed' ? '❌' : '⚪'} ${u.title}${u.error ? ` — ${u.error}` : ''}`,
        ),
      ]
    : [];
  return ['| Step | Status | Started (UTC) | Took | Gate evidence |', '|---|---|---|---|---|', ...rows, ...undo].join(
    '\n',
  );
}

/** What the step's provider said: its progress while it runs, its summary when done, why it is held or failed. */
function noteOf(state: Run['steps'][number]): string {
  const output = (state.output as { summary?: unknown } | undefined)?.summary;
  const summary = typeof output === 'string' ? output : undefined;
  const said: Partial<Record<string, string>> = { running: state.progress, holding: summary, succeeded: summary };
  const note = said[state.status] ?? state.error;
  return note ? `<br><sub>${note.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 400)}</sub>` : '';
}

const verdictIcons: Record<Evidence['verdict'], string> = { pass: '✓', breach: '✗', inconclusive: '?', waiting: '…' };

function evidenceCell(evidence: Evidence[]): string {
  if (evidence.length === 0) return '—';
  const latest = new Map(evidence.map((e) => [e.metric, e]));
  const checks = evidence.length;
  const valueOf = (e: Evidence) => (e.value === null ? 'no data' : Number(e.value.toPrecision(3)));
  const look = (e: Evidence) => `${verdictIcons[e.verdict]} ${e.metric} = ${valueOf(e)} (${e.limit})`;
  return `${[...latest.values()].map(look).join('<br>')}<br><sub>${checks} reading(s)</sub>`;
}
