/** Settings of the running app, from the environment: read here and nowhere else. */
import { readFileSync } from 'node:fs';

export interface AppSettings {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  port: number;
  host: string;
  /** GitHub's API root: GitHub Enterprise Server, or the lab's GitHub double. */
  githubApiUrl?: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Pace writes to GitHub as its secondary rate limits ask (off: a GitHub Enterprise Server without them). */
  githubPacing?: boolean;
  /** The bearer token of the HTTP API (ZEROOPS_API_TOKEN); none: the API answers 503 and does nothing. */
  apiToken?: string;
}

export class SettingsError extends Error {}

export function settingsFromEnv(env: NodeJS.ProcessEnv): AppSettings {
  const missing = ['APP_ID', 'WEBHOOK_SECRET'].filter((name) => !env[name]);
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) missing.push('PRIVATE_KEY or PRIVATE_KEY_PATH');
  if (missing.length) throw new SettingsError(`set ${missing.join(', ')} (see README: Installing the GitHub App)`);
  return {
    appId: env.APP_ID!,
    privateKey: env.PRIVATE_KEY ? env.PRIVATE_KEY.replace(/\\n/g, '\n') : readFileSync(env.PRIVATE_KEY_PATH!, 'utf8'),
    webhookSecret: env.WEBHOOK_SECRET!,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? 'localhost',
    githubApiUrl: env.GITHUB_API_URL,
    logLevel: (env.LOG_LEVEL as AppSettings['logLevel'] | undefined) ?? 'info',
    githubPacing: env.ZEROOPS_GITHUB_PACING !== 'off',
    ...apiToken(env),
  };
}

/** The API opens pull requests with it: a short token would be guessed, so one is refused. */
function apiToken(env: NodeJS.ProcessEnv): { apiToken?: string } {
  const token = env.ZEROOPS_API_TOKEN;
  if (!token) return {};
  if (token.length < 16) throw new SettingsError('ZEROOPS_API_TOKEN must be at least 16 characters long');
  return { apiToken: token };
}

export interface WorkerSettings {
  redisUrl?: string;
  /** PostgreSQL for runs, locks, events and incidents, when ZeroOps runs on several machines. */
  databaseUrl?: string;
  mongodbUri?: string;
  dataDir: string;
  concurrency: number;
  gateCheckSeconds: number;
  /** How often unfinished runs in the store are put back on the queue (in case Redis lost them). */
  reconcileSeconds: number;
  /** On SIGTERM, how long jobs in hand may take to finish before the process exits anyway. */
  drainSeconds: number;
  /** Environment given to scripts: the variables named in ZEROOPS_SCRIPT_ENV. Redacted from their output. */
  scriptEnv: Record<string, string>;
  /** An OpenAI-compatible endpoint that may write incidents' prose (ZEROOPS_LLM_*); templates without it. */
  llm?: LlmSettings;
  patrol: PatrolSettings;
  /** Where chat notices link to (ZEROOPS_GITHUB_WEB_URL): GitHub Enterprise Server's web root. */
  githubWebUrl?: string;
}

export interface PatrolSettings {
  /** How often the inspections' schedule is refreshed from what the ops repos declare. */
  syncSeconds: number;
  /** How long after a remediation's run its effect is checked. */
  verifySeconds: number;
  /** How far apart the two goroutine profiles of a leak are taken. */
  profileSeconds: number;
  /** The bearer token Alertmanager's webhook sends to POST /alertmanager/<owner>/<repo>; none: endpoint off. */
  alertmanagerToken?: string;
}

export interface LlmSettings {
  url: string;
  model?: string;
  /** Optional: Ollama and many vLLM servers need none. */
  apiKey?: string;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv): WorkerSettings {
  return {
    redisUrl: env.REDIS_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    mongodbUri: env.MONGODB_URI || undefined,
    dataDir: env.ZEROOPS_DATA_DIR || '.zeroops-data',
    concurrency: positive(env, 'ZEROOPS_WORKER_CONCURRENCY', 4),
    gateCheckSeconds: positive(env, 'ZEROOPS_GATE_CHECK_SECONDS', 5),
    reconcileSeconds: positive(env, 'ZEROOPS_RECONCILE_SECONDS', 60),
    drainSeconds: positive(env, 'ZEROOPS_DRAIN_SECONDS', 30),
    patrol: {
      syncSeconds: positive(env, 'ZEROOPS_PATROL_SYNC_SECONDS', 300),
      verifySeconds: positive(env, 'ZEROOPS_VERIFY_SECONDS', 120),
      profileSeconds: positive(env, 'ZEROOPS_PROFILE_SECONDS', 10),
      ...(env.ZEROOPS_ALERTMANAGER_TOKEN ? { alertmanagerToken: env.ZEROOPS_ALERTMANAGER_TOKEN } : {}),
    },
    githubWebUrl: env.ZEROOPS_GITHUB_WEB_URL || undefined,
    scriptEnv: Object.fromEntries(
      (env.ZEROOPS_SCRIPT_ENV ?? '')
        .split(',')
        .filter((name) => name && env[name] !== undefined)
        .map((name) => [name, env[name]!]),
    ),
    ...(env.ZEROOPS_LLM_URL
      ? {
          llm: {
            url: env.ZEROOPS_LLM_URL,
            model: env.ZEROOPS_LLM_MODEL || undefined,
            apiKey: env.ZEROOPS_LLM_API_KEY || undefined,
          },
        }
      : {}),
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] || fallback);
  if (!(value > 0)) throw new SettingsError(`${name} must be a number above 0, not '${env[name]}'`);
  return value;
}
