/**
 * RunReporter on the forge: the run's check run on the merge commit, updated as it changes (paced:
 * see PacedUpdates); a final comment on the pull request; and, when a run fails or rolls back, an
 * incident issue — or a comment on the open one with the same fingerprint.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RunReporter } from '../engine/ports.js';
import { isTerminal, type Run } from '../engine/run.js';
import type { Forge } from '../forge/forge.js';
import type { NewEvent } from '../knowledge/event-chain.js';
import type { Store } from '../engine/store.js';
import { repoKey } from './record-keys.js';
import { PacedUpdates } from './paced-updates.js';
import type { Log } from './ports.js';
import { runCheck, runSummary, timeline } from './render-run.js';
import { exposureLedger, foldLanes, laneChain, type LaneEvent } from '../lanes/lane-state.js';
import { renderLiveLanes } from '../lanes/live-lane-map.js';
import { laneGateMetric } from '../kinds/rollout/lane-plan.js';

/** How long one reporter may take to open a check run before another may try. */
const openLeaseMs = 30_000;

export class ForgeRunReporter implements RunReporter {
  private readonly checks: PacedUpdates;
  private readonly holder = randomUUID();

  constructor(
    private readonly forgeFor: (run: Run) => Promise<Forge>,
    private readonly store: Store,
    private readonly log: Log,
    checkIntervalMs = 1000,
  ) {
    this.checks = new PacedUpdates(
      async (run) => this.updateCheck(await this.forgeFor(run), run),
      (run, error) => this.log.error({ run: run.id, err: error.message }, 'reporting failed'),
      checkIntervalMs,
    );
  }

  async changed(run: Run, events: NewEvent[]): Promise<void> {
    // A long step's progress is a change without an event: it updates the check run too (paced).
    if (events.length === 0 && !run.steps.some((s) => s.status === 'running' && s.progress)) return;
    await this.checks.update(run);
    if (isTerminal(run.status)) await this.settle(run);
  }

  /**
   * The final comment and the incident, each remembered only after it was sent: a forge failure
   * leaves it to be sent when the runner settles the run again (at least once, never lost).
   */
  async settle(run: Run): Promise<boolean> {
    if (!isTerminal(run.status) || (await this.store.checkpoint(`reported/${run.id}`))) return true;
    try {
      const forge = await this.forgeFor(run);
      if (!(await this.store.checkpoint(`final-comment/${run.id}`))) {
        await forge.comment(run.repo, run.pullNumber, finalComment(run));
        await this.store.saveCheckpoint(`final-comment/${run.id}`, true);
      }
      if (
        (run.status === 'failed' || run.status === 'rolled_back') &&
        !run.incident &&
        !(await this.store.checkpoint(`incident/${run.id}`))
      ) {
        await this.recordIncident(forge, run);
        await this.store.saveCheckpoint(`incident/${run.id}`, true);
      }
      await this.store.saveCheckpoint(`reported/${run.id}`, run.status);
      return true;
    } catch (error) {
      this.log.error(
        { run: run.id, err: (error as Error).message },
        'final report not delivered; it will be tried again',
      );
      return false;
    }
  }

  /** Sends the check-run updates still waiting for their turn (before shutting down). */
  flush(): Promise<void> {
    return this.checks.flushAll();
  }

  private async updateCheck(forge: Forge, run: Run): Promise<void> {
    const key = `check/${run.id}`;
    const known = await this.store.checkpoint<number>(key);
    const id = known ?? (await this.openCheck(forge, run, key));
    if (id === 'opened') return;
    // Opened by another process, perhaps with a newer state than ours: send whichever is newer.
    const stored = known === undefined ? await this.store.run(run.id) : undefined;
    const latest = stored && stored.version > run.version ? stored : run;
    await forge.updateCheck(run.repo, id, runCheck(latest, await this.lanesOf(latest)));
  }

  /**
   * Opens the run's check run once across every process that reports on it (the server that
   * started the run, the workers that execute it): a lease picks the one that creates it, and the
   * others wait for its id, taking the lease over if its holder died. Two creators would leave a
   * second check run stuck "in progress".
   */
  private async openCheck(forge: Forge, run: Run, key: string): Promise<number | 'opened'> {
    const lease = `opening-${key}`;
    const deadline = Date.now() + 2 * openLeaseMs;
    while (Date.now() < deadline) {
      const now = Date.now();
      const until = new Date(now + openLeaseMs).toISOString();
      if (await this.store.lease(lease, this.holder, until, new Date(now).toISOString()))
        try {
          const openedMeanwhile = await this.store.checkpoint<number>(key);
          if (openedMeanwhile !== undefined) return openedMeanwhile;
          const check = runCheck(run, await this.lanesOf(run));
          const id = await forge.startCheck(run.repo, `ZeroOps run: ${run.plan.task.name}`, run.mergeSha, check);
          if (await this.store.saveCheckpoint(key, id)) return 'opened';
          return (await this.store.checkpoint<number>(key))!; // the lease ran out while GitHub answered
        } finally {
          await this.store.releaseLease(lease, this.holder);
        }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const id = await this.store.checkpoint<number>(key);
      if (id !== undefined) return id;
    }
    throw new Error(
      `the check run of ${run.id} could not be opened: another process holds it; the next update tries again`,
    );
  }

  /** A canary lane's run shows the service's lanes as they stand (from the store's lane chain). */
  private async lanesOf(run: Run): Promise<string | undefined> {
    if (!run.plan.steps.some((s) => s.action.provider === 'lanes')) return undefined;
    const { service, env, name } = run.plan.task;
    const events = (await this.store.events(laneChain(service, env))) as unknown as LaneEvent[];
    const judged = run.steps
      .flatMap((s) => s.evidence)
      .filter((e) => e.metric === laneGateMetric)
      .at(-1);
    return renderLiveLanes({
      service,
      env,
      lanes: foldLanes(events),
      ledger: exposureLedger(events),
      current: name,
      ...(judged ? { judged } : {}),
    });
  }

  private async recordIncident(forge: Forge, run: Run): Promise<void> {
    const fingerprint = incidentFingerprint(run);
    const open = await this.store.openIncident(fingerprint);
    if (open) {
      await forge.comment(
        run.repo,
        open.issueNumber,
        `The same failure happened again in run \`${run.id}\` (from #${run.pullNumber}, ${run.mergeSha.slice(0, 7)}).\n\n${runSummary(run)}\n\n${timeline(run)}`,
      );
      await this.store.saveIncident({ ...open, runIds: [...open.runIds, run.id] });
      return;
    }
    const severity = runIncidentSeverity(run);
    const issueNumber = await forge.createIssue(run.repo, {
      title: `Incident: ${run.plan.task.kind} ${run.plan.task.name} ${run.status.replace('_', ' ')} — ${run.plan.task.service}/${run.plan.task.env}`,
      body: incidentBody(run, severity, await this.lanesOf(run)),
      labels: ['zeroops', 'incident', `severity:${severity}`, `service:${run.plan.task.service}`],
    });
    await this.store.saveIncident({
      id: `${repoKey(run.repo)}#${issueNumber}`,
      fingerprint,
      repo: repoKey(run.repo),
      issueNumber,
      state: 'open',
      runIds: [run.id],
      createdAt: new Date().toISOString(),
    });
    this.log.info({ run: run.id, issue: issueNumber }, 'incident opened');
  }
}

/** A run that failed may have left the system half changed; one rolled back has not. */
export const runIncidentSeverity = (run: Run) => (run.status === 'failed' ? 'sev2' : 'sev3');

/** The same task failing the same way is the same incident. */
export function incidentFingerprint(run: Run): string {
  const what = (run.reason ?? '').replace(/[\d.]+/g, 'N').replace(/during \S+/, '');
  return createHash('sha256')
    .update(`${repoKey(run.repo)}|${run.plan.task.name}|${run.status}|${what}`)
    .digest('hex')
    .slice(0, 16);
}

function finalComment(run: Run): string {
  const word = {
    succeeded: '✅ succeeded',
    rolled_back: '↩️ was rolled back',
    failed: '❌ failed',
    aborted: '⏹ was aborted',
  }[run.status as 'succeeded'];
  return `Run of \`${run.plan.task.name}\` ${word}.\n\n${runSummary(run)}\n\n<details><summary>Timeline</summary>\n\n${timeline(run)}\n\n</details>\n\nAudit: \`npx zeroops audit verify ${run.id}\``;
}

function incidentBody(run: Run, severity: string, lanes?: string): string {
  const evidence = run.steps.flatMap((s) =>
    s.evidence
      .filter((e) => e.verdict === 'breach' || e.verdict === 'inconclusive')
      .map(
        (e) =>
          `- ${e.at} \`${s.id}\` ${e.metric} = ${e.value ?? 'no data'} (limit ${e.limit})${e.note ? ` — ${e.note}` : ''}`,
      ),
  );
  return [
    `**What happened:** ${run.reason ?? run.status}`,
    '',
    `**Severity:** ${severity} · **Service:** ${run.plan.task.service} (${run.plan.task.env}) · **Run:** \`${run.id}\` from #${run.pullNumber} (${run.mergeSha.slice(0, 7)}), started by @${run.startedBy}`,
    '',
    ...(lanes
      ? [
          run.status === 'rolled_back'
            ? `**Lane:** \`${run.plan.task.name}\` alone was rolled back; ` +
              `the other lanes of ${run.plan.task.service} kept serving.`
            : `**Lane:** \`${run.plan.task.name}\`: its rollback did not complete; the other lanes were not touched.`,
          '',
        ]
      : []),
    '### Evidence',
    '',
    ...(evidence.length ? evidence : ['- no gate evidence: the failure was in an action']),
    ...(lanes ? ['', lanes.replace(/^### /, '#### ')] : []),
    '',
    '### Timeline',
    '',
    timeline(run),
    '',
    `### Rollback outcome`,
    '',
    run.status === 'rolled_back'
      ? `All ${run.undo.length} rollback step(s) succeeded: the system is as it was before the run.`
      : 'The rollback did not complete: check the system now.',
    '',
    `Audit trail: \`npx zeroops audit verify ${run.id}\``,
  ].join('\n');
}
