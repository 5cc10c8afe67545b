/**
 * The Effects port on the real providers: each plan action becomes an idempotent provider call.
 * Actions whose provider is not wired here fail plainly, without being retried.
 */
import { EffectError, type EffectContext, type EffectResult, type Effects } from '../engine/ports.js';
import { isTerminal, mayHaveActed } from '../engine/run.js';
import type { Store } from '../engine/store.js';
import type { Action } from '../plan/types.js';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from './command/run-command.js';
import { scriptLimits } from './command/script-limits.js';
import type { HAProxyTraffic, ServerState } from './haproxy/traffic.js';
import { callWebhook, type WebhookError } from './webhook/call-webhook.js';
import { LaneEffects, type LaneProviders } from './lanes/lane-effects.js';
import { applyPostgres, postgresOperations } from './postgres/postgres-effects.js';
import { applyMysql, mysqlOperations } from './mysql/mysql-effects.js';
import { isReservedEnv, signingVariables } from '../manifest/rules/webhook-secrets.js';
import type { Config } from '../manifest/model.js';
import { scriptPath } from '../policy/governed-files.js';

export interface ProviderSettings {
  haproxy?: HAProxyTraffic;
  /** The folder a run's scripts (command argv[0]) run in: the ops repo's scripts at the run's merge commit. */
  scriptsFor?: (run: EffectContext['run']) => Promise<string>;
  /** Environment given to scripts; its values are redacted from their output. */
  scriptEnv?: Record<string, string>;
  /** Where each script attempt keeps its process, output and status (see attempt-folder.ts). */
  attemptsDir?: string;
  store: Store;
}

interface WeightTarget {
  datacenter: string;
  percent: number;
  normalWeight: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (params: Record<string, any>, context: EffectContext) => Promise<EffectResult>;

export class ProviderEffects implements Effects {
  constructor(private readonly settings: ProviderSettings) {}

  async apply(action: Action, context: EffectContext): Promise<EffectResult> {
    const handler = this.handlers[`${action.provider} ${action.operation}`];
    if (!handler)
      throw new EffectError(
        `${action.provider} ${action.operation} is not available in this version of ZeroOps`,
        false,
      );
    // A reload since the last change lost ZeroOps' runtime settings: restore them before building on them.
    if (action.provider === 'haproxy')
      await this.haproxy.reapplyIfReloaded((owner) => this.stillRunning(owner, context.run.id));
    return handler(action.params, context);
  }

  /** A setting matters while the run that made it has not finished (it holds its lock). */
  private async stillRunning(owner: string, current: string): Promise<boolean> {
    if (owner === current) return true;
    const run = await this.settings.store.run(owner);
    return run !== undefined && !isTerminal(run.status);
  }

  /** The actions this adapter carries out (the plan refuses any other before it runs). */
  implemented(): string[] {
    return Object.keys(this.handlers).sort();
  }

  private get haproxy(): HAProxyTraffic {
    if (!this.settings.haproxy)
      throw new EffectError('no HAProxy configured: set spec.providers.haproxy.socket in .zeroops/config.yaml', false);
    return this.settings.haproxy;
  }

  private readonly handlers: Record<string, Handler> = {
    'haproxy set-datacenter-weights': async (params, { run }) => {
      const pool = params.pool as string;
      const targets = params.weights as WeightTarget[];
      const changed = [];
      for (const t of targets) {
        await this.rememberWeight(run, pool, t.datacenter);
        const weight = Math.round((t.normalWeight * t.percent) / 100);
        if (await this.haproxy.ensureWeight(pool, t.datacenter, weight, run.id))
          changed.push(`${t.datacenter}=${weight}`);
      }
      return { output: { pool, changed } };
    },
    'haproxy restore-datacenter-weights': async (params, { run }) => {
      const pool = params.pool as string;
      const restored: Record<string, number> = {};
      for (const datacenter of weightTargetsOf(run, pool)) {
        const before =
          (await this.settings.store.checkpoint<number>(weightKey(run, pool, datacenter))) ??
          (run.captured.weights as Record<string, number> | undefined)?.[datacenter];
        if (before === undefined) continue; // never changed by this run: nothing to restore
        await this.haproxy.ensureWeight(pool, datacenter, before, run.id);
        restored[datacenter] = before;
      }
      return { output: { restored } };
    },
    'haproxy set-server-state': async (params, { run }) => {
      const servers =
        params.servers === 'all-drained-by-this-run'
          ? drainedBy(run)
          : (params.servers as { backend: string; server: string }[]);
      for (const s of servers)
        await this.haproxy.ensureServerState(s.backend, s.server, params.state as ServerState, run.id);
      return { output: { state: params.state, servers: servers.map((s) => s.server) } };
    },
    'command run': (params, context) =>
      this.runScript(
        [
          ...(params.argv as string[]),
          ...((params.targets as { server: string }[] | undefined) ?? []).map((t) => t.server),
        ],
        context,
      ),
    'webhook call': async (params, context) => {
      // One try per attempt: the step's retries are the only ones, so they do not multiply.
      const call = {
        url: params.url as string,
        body: params.body ?? { run: context.run.id },
        secret: signingSecret(params.secretEnv, context.run),
        idempotencyKey: context.checkpointKey,
        retries: 0,
      };
      try {
        const outcome = await callWebhook(call);
        return { output: { status: outcome.status, attempts: outcome.attempts } };
      } catch (error) {
        const status = (error as WebhookError).status;
        throw new EffectError((error as Error).message, status === undefined || status >= 500 || status === 429);
      }
    },
    'zeroops await-approval': async () => ({ output: { approved: true } }),
    'lanes deploy': (params, context) => this.lanes(context).deploy(params as never, context),
    'lanes route': (params, context) => this.lanes(context).route(params as never),
    'lanes take-over': (params, context) => this.lanes(context).takeOver(params as never),
    'lanes hand-back': (params, context) => this.lanes(context).handBack(params as never),
    'lanes retire': (params, context) => this.lanes(context).retire(params as never, context),
    // SchemaChange stages, on the database the run's config names.
    ...Object.fromEntries(
      Object.keys(postgresOperations).map((operation) => [
        `postgres ${operation}`,
        (params: Record<string, unknown>, context: EffectContext) => applyPostgres(operation, params, context),
      ]),
    ),
    ...Object.fromEntries(
      Object.keys(mysqlOperations).map((operation) => [
        `mysql ${operation}`,
        (params: Record<string, unknown>, context: EffectContext) => applyMysql(operation, params, context),
      ]),
    ),
  };

  /** Lanes act on the fleet and HAProxy of the config the run was approved under. */
  private lanes({ run }: EffectContext): LaneEffects {
    return new LaneEffects(this.settings.store, (run.providers ?? {}) as LaneProviders);
  }

  /**
   * What a datacenter's weight was before this run first touched it, stored before the change: a
   * rollback after a partial failure or a crash restores that, never a weight the run had set.
   */
  private async rememberWeight(run: EffectContext['run'], pool: string, datacenter: string): Promise<void> {
    const key = weightKey(run, pool, datacenter);
    if ((await this.settings.store.checkpoint(key)) !== undefined) return;
    await this.settings.store.saveCheckpoint(key, await this.haproxy.weight(pool, datacenter));
  }

  /** Scripts are not idempotent: a finished attempt is remembered, so a retried job does not run it again. */
  private async runScript(argv: string[], context: EffectContext): Promise<EffectResult> {
    const done = await this.settings.store.checkpoint<EffectResult>(context.checkpointKey);
    if (done) return done;
    const env = this.settings.scriptEnv ?? {};
    if (!scriptPath(argv[0] ?? ''))
      throw new EffectError(`${argv[0]} is not a script of the ops repo's scripts/ folder; only those run`, false);
    if (!this.settings.scriptsFor)
      throw new EffectError('scripts cannot run here: no ops repo to take them from', false);
    const cwd = await this.settings.scriptsFor(context.run);
    const attemptDir = join(this.settings.attemptsDir ?? join(tmpdir(), 'zeroops-attempts'), fileSafe(context));
    const result = await runCommand(argv, {
      cwd,
      env: { ...env, ...scriptContext(context) },
      timeoutMs: scriptLimits.timeoutMs,
      secrets: Object.values(env),
      signal: context.signal,
      attemptDir,
    });
    try {
      if (result.exitCode !== 0) throw new EffectError(`${argv[0]} ${howItEnded(result)}`, true);
      const outcome = {
        output: { stdout: result.stdout.trim().slice(-scriptLimits.keptStdoutChars), durationMs: result.durationMs },
      };
      await this.settings.store.saveCheckpoint(context.checkpointKey, outcome);
      return outcome;
    } finally {
      await rm(attemptDir, { recursive: true, force: true });
    }
  }
}

/** The secret a webhook step signs with: only a variable the run's config lists for it, never ZeroOps' own. */
function signingSecret(name: unknown, run: EffectContext['run']): string | undefined {
  const providers = run.providers as Config['spec']['providers'];
  const variable = name === undefined ? providers?.webhook?.secret?.env : name;
  if (variable === undefined) return undefined;
  if (
    typeof variable !== 'string' ||
    isReservedEnv(variable, { spec: { providers } } as Config) ||
    !signingVariables({ providers }).includes(variable)
  ) {
    throw new EffectError(
      `a webhook may not sign with ${String(variable)}: only the variables spec.providers.webhook lists, and never ZeroOps' own`,
      false,
    );
  }
  const secret = process.env[variable];
  if (!secret) throw new EffectError(`${variable} is not set on this worker: the webhook cannot be signed`, false);
  return secret;
}

/** What a script is told about the step it runs for: with the idempotency key it can make itself safe to repeat. */
export function scriptContext({ run, step, attempt, checkpointKey }: EffectContext): Record<string, string> {
  return {
    ZEROOPS_RUN_ID: run.id,
    ZEROOPS_TASK: run.plan.task.name,
    ZEROOPS_SERVICE: run.plan.task.service,
    ZEROOPS_ENV: run.plan.task.env,
    ZEROOPS_STEP: step,
    ZEROOPS_ATTEMPT: String(attempt),
    ZEROOPS_IDEMPOTENCY_KEY: checkpointKey,
  };
}

const fileSafe = ({ checkpointKey }: EffectContext) => createHash('sha256').update(checkpointKey).digest('hex');

function howItEnded(result: CommandResult): string {
  const output = (result.stderr || result.stdout).trim().slice(-scriptLimits.failureTailChars);
  if (result.interrupted) return 'was started by a worker that stopped, and ended without saying how';
  return `${result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal}`}: ${output}`;
}

const weightKey = (run: EffectContext['run'], pool: string, datacenter: string) =>
  `weight-before/${run.id}/${pool}/${datacenter}`;

/** Every datacenter whose weight in `pool` the run's plan sets. */
function weightTargetsOf(run: EffectContext['run'], pool: string): string[] {
  const targets = run.plan.steps
    .filter((s) => s.action.operation === 'set-datacenter-weights' && s.action.params.pool === pool)
    .flatMap((s) => (s.action.params.weights as WeightTarget[]).map((t) => t.datacenter));
  return [...new Set(targets)];
}

/** The servers a run's steps have drained so far (for a rollback that puts them all back). */
function drainedBy(run: EffectContext['run']): { backend: string; server: string }[] {
  const started = new Set(run.steps.filter(mayHaveActed).map((s) => s.id));
  return run.plan.steps
    .filter((s) => started.has(s.id) && s.action.operation === 'set-server-state' && s.action.params.state === 'drain')
    .flatMap((s) => s.action.params.servers as { backend: string; server: string }[]);
}
