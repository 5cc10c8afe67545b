/** The bot's own metrics on /metrics (prom-client): webhooks, runs, step durations, queue depth, lock waits. */
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunReporter } from '../engine/ports.js';
import { isTerminal, type Run } from '../engine/run.js';
import type { NewEvent } from '../knowledge/event-chain.js';

export class BotMetrics {
  readonly registry = new Registry();
  private readonly webhooks = new Counter({
    name: 'zeroops_webhooks_total',
    help: 'Webhook events handled, by event and action.',
    labelNames: ['event'],
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: 'zeroops_runs_finished_total',
    help: 'Runs that ended, by status.',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly steps = new Histogram({
    name: 'zeroops_step_duration_seconds',
    help: 'Time from a step starting to it succeeding, gates and holds included.',
    labelNames: ['kind'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
    registers: [this.registry],
  });
  private readonly lockWaits = new Counter({
    name: 'zeroops_lock_waits_total',
    help: 'Times a run had to queue for a lock.',
    registers: [this.registry],
  });

  /** `reachable`: whether Redis answers now; queue depth is not asked for while it does not (the ask would wait). */
  constructor(queues: Queue[] = [], reachable: () => boolean = () => true) {
    collectDefaultMetrics({ register: this.registry, prefix: 'zeroops_process_' });
    new Gauge({
      name: 'zeroops_queue_jobs',
      help: 'Jobs in the queues, by queue and state.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        if (!reachable()) return;
        for (const queue of queues) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
        }
      },
    });
  }

  webhook(event: string): void {
    this.webhooks.inc({ event });
  }

  /** Wraps a reporter so every change of a run is also counted. */
  observe(inner: RunReporter): RunReporter {
    return {
      changed: async (run: Run, events: NewEvent[]) => {
        for (const event of events) {
          if (event.type === 'lock-queued') this.lockWaits.inc();
          if (event.type === 'step-succeeded') this.observeStep(run, String(event.data.step));
        }
        if (isTerminal(run.status) && events.some((e) => /^run-(succeeded|rolled-back|failed|aborted)$/.test(e.type)))
          this.runs.inc({ status: run.status });
        await inner.changed(run, events);
      },
      ...(inner.settle ? { settle: (run: Run) => inner.settle!(run) } : {}),
    };
  }

  private observeStep(run: Run, id: string): void {
    const step = run.steps.find((s) => s.id === id);
    if (step?.startedAt && step.finishedAt)
      this.steps.observe(
        { kind: run.plan.task.kind },
        (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000,
      );
  }
}
