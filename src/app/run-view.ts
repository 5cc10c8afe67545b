/**
 * A run as the HTTP API shows it: its status, each step with its last gate evidence, and the timeline
 * read from its event chain, checked link by link. Pure, apart from `viewRun` reading the store.
 */
import type { Evidence, Run, RunStatus, StepState, StepStatus } from '../engine/run.js';
import type { Store } from '../engine/store.js';
import { verifyChain, type ChainEvent } from '../knowledge/event-chain.js';

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface StepView {
  id: string;
  title: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** What its provider said: its progress while it runs, its summary once done, why it failed. */
  note?: string;
  lastEvidence?: Evidence;
}

export interface RunView {
  id: string;
  repo: string;
  pullRequest: { number: number; mergeSha: string };
  task: { name: string; kind: string; service: string; env: string; file: string };
  status: RunStatus;
  reason?: string;
  startedBy: string;
  steps: StepView[];
  rollback: { title: string; status: string; error?: string }[];
  incident?: { id: string; issueNumber: number };
  timeline: TimelineEntry[];
  /** Whether the event chain is whole and unaltered up to the event the run last recorded. */
  audit: { intact: boolean; problems: string[] };
  createdAt: string;
  updatedAt: string;
  startAt?: string;
  finishedAt?: string;
}

/** The chain of a run is named by its id (the engine appends to it); undefined for an unknown id. */
export async function viewRun(store: Pick<Store, 'run' | 'events'>, id: string): Promise<RunView | undefined> {
  const run = await store.run(id);
  return run && runView(run, await store.events(run.id));
}

export function runView(run: Run, events: readonly ChainEvent[]): RunView {
  const { task } = run.plan;
  // A run created a moment ago has recorded nothing yet: an empty chain is whole then.
  const audit = events.length || run.events.seq ? verifyChain(events, run.events) : { ok: true, problems: [] };
  return {
    id: run.id,
    repo: `${run.repo.owner}/${run.repo.repo}`,
    pullRequest: { number: run.pullNumber, mergeSha: run.mergeSha },
    task: { name: task.name, kind: task.kind, service: task.service, env: task.env, file: task.file },
    status: run.status,
    ...(run.reason ? { reason: run.reason } : {}),
    startedBy: run.startedBy,
    steps: run.steps.map((state) => stepView(state, run.plan.steps.find((s) => s.id === state.id)?.title)),
    rollback: run.undo.map((u) => ({ title: u.title, status: u.status, ...(u.error ? { error: u.error } : {}) })),
    ...(run.incident ? { incident: { id: run.incident.id, issueNumber: run.incident.issueNumber } } : {}),
    timeline: timelineOf(events),
    audit: { intact: audit.ok, problems: audit.problems },
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.startAt ? { startAt: run.startAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  };
}

function stepView(state: StepState, title = state.id): StepView {
  const note = noteOf(state);
  const last = state.evidence.at(-1);
  return {
    id: state.id,
    title,
    status: state.status,
    attempts: state.attempts,
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
    ...(note ? { note } : {}),
    ...(last ? { lastEvidence: last } : {}),
  };
}

/** The same words the run's check run shows on the pull request, and nothing more of the output. */
function noteOf(state: StepState): string | undefined {
  const summary = (state.output as { summary?: unknown } | undefined)?.summary;
  const said = typeof summary === 'string' ? summary : undefined;
  const notes: Partial<Record<StepStatus, string>> = { running: state.progress, holding: said, succeeded: said };
  return notes[state.status] ?? state.error;
}

/**
 * The events in order. A step's raw output (what a script printed, what a provider returned) stays
 * in the store: it can be long, and the check run shows only its summary.
 */
export function timelineOf(events: readonly ChainEvent[]): TimelineEntry[] {
  return [...events]
    .sort((a, b) => a.seq - b.seq)
    .map(({ seq, at, type, actor, data }) => {
      const { output: _output, ...rest } = data;
      return { seq, at, type, actor, data: rest };
    });
}
