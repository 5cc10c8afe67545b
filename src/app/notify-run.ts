/**
 * A RunReporter that also tells the chat: it wraps the one that reports on the forge. Each saved
 * change's notices are queued as it happens; when the run settles, its final notice and the
 * incident it opened are queued again until that succeeded once (their keys make it one message),
 * so a notice lost with a worker is still sent.
 */
import type { RunReporter } from '../engine/ports.js';
import { isTerminal, type Run } from '../engine/run.js';
import type { NewEvent } from '../knowledge/event-chain.js';
import { channelsOf, type NotifyChannel } from '../knowledge/notice.js';
import type { IncidentFacts } from '../knowledge/incident-notices.js';
import { finalNotice, runNotices } from '../knowledge/run-notices.js';
import { noticeIncidentOpened, type IncidentNoticeDeps } from './notify-incidents.js';
import { tell } from './notify.js';
import { incidentFingerprint, runIncidentSeverity } from './report-run.js';

export class NotifyingRunReporter implements RunReporter {
  constructor(
    private readonly inner: RunReporter,
    private readonly deps: IncidentNoticeDeps,
  ) {}

  async changed(run: Run, events: NewEvent[]): Promise<void> {
    try {
      await this.inner.changed(run, events);
    } finally {
      await tell(this.deps, runNotices(run, events), channelsOf(run.providers));
    }
  }

  async settle(run: Run): Promise<boolean> {
    const settled = (await this.inner.settle?.(run)) ?? true;
    const channels = channelsOf(run.providers);
    if (!settled || !isTerminal(run.status) || !this.deps.notifier || channels.length === 0) return settled;
    const key = `notified/${run.id}`;
    if (await this.deps.store.checkpoint(key)) return true;
    const told = (await tell(this.deps, finalNotice(run), channels)) && (await this.incidentOpened(run, channels));
    if (told) await this.deps.store.saveCheckpoint(key, true);
    return told;
  }

  /** The incident the forge reporter opened for this run; a repeat of an open one was told when it opened. */
  private async incidentOpened(run: Run, channels: NotifyChannel[]): Promise<boolean> {
    if (run.incident || (run.status !== 'failed' && run.status !== 'rolled_back')) return true;
    const incident = await this.deps.store.openIncident(incidentFingerprint(run));
    if (!incident || incident.runIds[0] !== run.id) return true;
    const { kind, name, service, env } = run.plan.task;
    const facts: IncidentFacts = {
      repo: run.repo,
      issue: incident.issueNumber,
      service,
      env,
      severity: runIncidentSeverity(run),
      title: `${kind} ${name} ${run.status.replace('_', ' ')} — ${service}/${env}`,
      lines: [`Run ${run.id} from #${run.pullNumber}: ${run.reason ?? run.status}`],
    };
    return noticeIncidentOpened(this.deps, facts, channels);
  }
}
