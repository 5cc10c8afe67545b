/**
 * What a change of a run tells the chat: from the events a saved change produced, the notices —
 * started, a gate breached (with its evidence), rolled back, failed, succeeded, aborted. Each links
 * to the pull request the run came from. Never a step's output: it may hold anything. Pure.
 */
import type { Evidence, Run } from '../engine/run.js';
import type { NewEvent } from './event-chain.js';
import { clip, type Notice } from './notice.js';

export function runNotices(run: Run, events: readonly NewEvent[]): Notice[] {
  return events.flatMap((event): Notice[] => {
    if (event.type === 'run-started') return [started(run)];
    if (event.type === 'gate-breached')
      return [breached(run, String(event.data.step), (event.data.evidence ?? []) as Evidence[])];
    if (/^run-(rolled-back|failed|succeeded|aborted|not-started)$/.test(event.type)) return finalNotice(run);
    return [];
  });
}

/** The notice a finished run owes (none while it runs): sent again when the run settles, by the same key. */
export function finalNotice(run: Run): Notice[] {
  const task = `${run.plan.task.kind} ${run.plan.task.name}`;
  const why = `Why: ${clip(run.reason ?? 'not recorded')}`;
  switch (run.status) {
    case 'rolled_back':
      return [
        notice(run, 'rolled-back', 'bad', `↩️ ${task} rolled back`, [
          why,
          `${run.undo.length} rollback step(s) succeeded: the system is as it was before the run.`,
        ]),
      ];
    case 'failed':
      return [
        notice(run, 'run-failed', 'bad', `❌ ${task} failed`, [
          why,
          run.undo.some((u) => u.status === 'failed')
            ? 'The rollback did not complete: check the system now.'
            : 'A person must look now.',
        ]),
      ];
    case 'succeeded':
      return [
        notice(run, 'run-succeeded', 'good', `✅ ${task} succeeded`, [`All ${run.steps.length} step(s) succeeded.`]),
      ];
    case 'aborted':
      return [notice(run, 'run-aborted', 'warning', `⏹ ${task} aborted`, [clip(run.reason ?? 'aborted')])];
    default:
      return [];
  }
}

function started(run: Run): Notice {
  const { kind, name } = run.plan.task;
  return notice(run, 'run-started', 'info', `▶️ ${kind} ${name} started`, [
    `Merged by @${run.startedBy} in #${run.pullNumber} (${run.mergeSha.slice(0, 7)}): ` +
      `${run.plan.steps.length} step(s), ${run.plan.risk.level} risk.`,
  ]);
}

function breached(run: Run, step: string, evidence: readonly Evidence[]): Notice {
  return {
    ...notice(run, 'step-breached', 'bad', `⚠️ ${run.plan.task.name}: a gate breached during ${step}`, [
      ...evidence.slice(0, 5).map((e) => `${e.metric} = ${formatValue(e.value)} (limit ${e.limit})`),
      'Rolling back.',
    ]),
    key: `${run.id}/step-breached/${step}`,
  };
}

function notice(run: Run, event: Notice['event'], tone: Notice['tone'], title: string, lines: string[]): Notice {
  const { service, env } = run.plan.task;
  return {
    key: `${run.id}/${event}`,
    event,
    title: `${title} — ${service}/${env}`,
    lines,
    repo: { owner: run.repo.owner, repo: run.repo.repo },
    link: { kind: 'pull', number: run.pullNumber },
    service,
    env,
    tone,
  };
}

const formatValue = (value: number | null) => (value === null ? 'no data' : Number(value.toPrecision(4)).toString());
