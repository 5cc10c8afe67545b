/**
 * Check-run updates of runs, paced. A change of status (started, paused, resumed, finished) goes
 * out at once; progress within a status at most once per `intervalMs`, the latest state winning,
 * with a trailing update so the last one is never lost. Sends for one run are serialised, so an
 * older state never lands after a newer one. GitHub asks integrations to pace their writes, and
 * a check-run update per step was the main cost of executing a step.
 */
import { isTerminal, type Run } from '../engine/run.js';

interface RunUpdates {
  latest?: Run;
  sentStatus?: string;
  lastSentAt: number;
  sending: Promise<void>;
  timer?: NodeJS.Timeout;
}

export class PacedUpdates {
  private readonly runs = new Map<string, RunUpdates>();

  constructor(
    private readonly send: (run: Run) => Promise<void>,
    private readonly onTrailingError: (run: Run, error: Error) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves once this state (or a newer one) is sent, or at once when it is left to a trailing update. */
  update(run: Run): Promise<void> {
    const updates = this.runs.get(run.id) ?? { lastSentAt: -Infinity, sending: Promise.resolve() };
    this.runs.set(run.id, updates);
    updates.latest = run;
    const wait = updates.lastSentAt + this.intervalMs - this.now();
    if (run.status !== updates.sentStatus || isTerminal(run.status) || wait <= 0) return this.flush(run.id, updates);
    updates.timer ??= setTimeout(() => {
      this.flush(run.id, updates).catch((error: Error) => this.onTrailingError(run, error));
    }, wait).unref();
    return Promise.resolve();
  }

  /** Sends every update still waiting for its turn (before shutting down). */
  async flushAll(): Promise<void> {
    await Promise.allSettled([...this.runs].map(([id, updates]) => this.flush(id, updates)));
  }

  private flush(id: string, updates: RunUpdates): Promise<void> {
    clearTimeout(updates.timer);
    updates.timer = undefined;
    // A failed send must not stop the ones after it; its caller hears of it.
    updates.sending = updates.sending
      .catch(() => undefined)
      .then(async () => {
        const run = updates.latest;
        if (!run) return;
        updates.latest = undefined;
        updates.lastSentAt = this.now();
        updates.sentStatus = run.status;
        if (isTerminal(run.status)) this.runs.delete(id);
        await this.send(run);
      });
    return updates.sending;
  }
}
