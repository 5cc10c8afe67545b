/**
 * After a remediation run finishes, its verification is due some time later (the symptom needs a
 * moment to show the effect). A RunReporter, so it hears of every finished run through the runner.
 */
import type { RunReporter } from '../engine/ports.js';
import { isTerminal, type Run } from '../engine/run.js';
import type { NewEvent } from '../knowledge/event-chain.js';

export class RemediationFollowUp implements RunReporter {
  constructor(private readonly verifyLater: (run: Run) => Promise<void>) {}

  async changed(run: Run, events: NewEvent[]): Promise<void> {
    if (run.incident && isTerminal(run.status) && events.length > 0) await this.verifyLater(run);
  }
}

/** Several reporters heard in turn; the first one settles finished runs. */
export function reporters(first: RunReporter, ...others: RunReporter[]): RunReporter {
  return {
    async changed(run, events) {
      await first.changed(run, events);
      for (const other of others) await other.changed(run, events);
    },
    ...(first.settle ? { settle: (run: Run) => first.settle!(run) } : {}),
  };
}
