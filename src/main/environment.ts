/**
 * Every environment variable ZeroOps reads, with the commands that read it: the one list that
 * `zeroops <command> --help` prints and the README's table follows (a test holds them together).
 */
export type EnvCommand = 'start' | 'worker' | 'audit' | 'setup';

export interface EnvironmentVariable {
  name: string;
  meaning: string;
  default?: string;
  commands: readonly EnvCommand[];
}

const serve: EnvCommand[] = ['start', 'worker'];
const store: EnvCommand[] = ['start', 'worker', 'audit'];

export const environment: readonly EnvironmentVariable[] = [
  { name: 'APP_ID', meaning: "the GitHub App's id", default: 'required', commands: serve },
  { name: 'PRIVATE_KEY', meaning: "the App's private key (PEM; \\n escapes allowed)", commands: serve },
  { name: 'PRIVATE_KEY_PATH', meaning: "a file holding the App's private key (this or PRIVATE_KEY)", commands: serve },
  { name: 'WEBHOOK_SECRET', meaning: 'the webhook secret', default: 'required', commands: serve },
  { name: 'PORT', meaning: 'the port the server listens on', default: '3000', commands: ['start'] },
  { name: 'HOST', meaning: 'the address the server listens on', default: 'localhost', commands: ['start'] },
  {
    name: 'GITHUB_API_URL',
    meaning: "GitHub Enterprise Server's API root",
    default: 'https://api.github.com',
    commands: [...serve, 'setup'],
  },
  { name: 'LOG_LEVEL', meaning: 'trace, debug, info, warn, error or fatal', default: 'info', commands: serve },
  {
    name: 'REDIS_URL',
    meaning: 'Redis for the queues; without it ZeroOps only plans and tracks approvals',
    commands: serve,
  },
  { name: 'DATABASE_URL', meaning: 'PostgreSQL for the store (several machines)', commands: store },
  { name: 'MONGODB_URI', meaning: 'MongoDB for the store, instead of PostgreSQL', commands: store },
  {
    name: 'ZEROOPS_DATA_DIR',
    meaning: 'the embedded SQLite store, HAProxy settings, scripts of merge commits',
    default: '.zeroops-data',
    commands: store,
  },
  {
    name: 'ZEROOPS_SCRIPT_ENV',
    meaning: 'comma-separated names of variables given to scripts (redacted from their output)',
    commands: serve,
  },
  { name: 'ZEROOPS_WORKER_CONCURRENCY', meaning: 'runs advanced at once per process', default: '4', commands: serve },
  {
    name: 'ZEROOPS_GATE_CHECK_SECONDS',
    meaning: 'how often gates are read while a step holds',
    default: '5',
    commands: serve,
  },
  {
    name: 'ZEROOPS_RECONCILE_SECONDS',
    meaning: 'how often unfinished runs in the store are queued again',
    default: '60',
    commands: serve,
  },
  {
    name: 'ZEROOPS_DRAIN_SECONDS',
    meaning: 'on SIGTERM, how long jobs in hand may take to finish before the process exits',
    default: '30',
    commands: serve,
  },
  {
    name: 'ZEROOPS_PATROL_SYNC_SECONDS',
    meaning: "how often the patrol's schedule follows the inspections the ops repos declare",
    default: '300',
    commands: serve,
  },
  {
    name: 'ZEROOPS_VERIFY_SECONDS',
    meaning: "how long after a remediation's run ZeroOps checks whether it worked",
    default: '120',
    commands: serve,
  },
  {
    name: 'ZEROOPS_PROFILE_SECONDS',
    meaning: 'how far apart the two goroutine profiles of a leak are taken',
    default: '10',
    commands: serve,
  },
  {
    name: 'ZEROOPS_ALERTMANAGER_TOKEN',
    meaning: "the bearer token of Alertmanager's webhook (POST /alertmanager/<owner>/<repo>); unset: endpoint off",
    commands: ['start'],
  },
  {
    name: 'ZEROOPS_API_TOKEN',
    meaning: 'the bearer token of the HTTP API (POST /api/tasks, GET /api/runs/<id>); unset: the API answers 503',
    commands: ['start'],
  },
  {
    name: 'ZEROOPS_LLM_URL',
    meaning: "an OpenAI-compatible API (OpenAI, Ollama, vLLM) that writes incidents' prose; templates without it",
    commands: serve,
  },
  { name: 'ZEROOPS_LLM_MODEL', meaning: 'the model to ask (required with ZEROOPS_LLM_URL)', commands: serve },
  { name: 'ZEROOPS_LLM_API_KEY', meaning: 'its API key, when it needs one', commands: serve },
  {
    name: 'ZEROOPS_GITHUB_WEB_URL',
    meaning: "GitHub's web root, where chat notices link (GHES: from GITHUB_API_URL)",
    default: 'https://github.com',
    commands: serve,
  },
  {
    name: 'ZEROOPS_GITHUB_PACING',
    meaning: 'off: no pacing of writes to GitHub (GHES without rate limits)',
    default: 'on',
    commands: serve,
  },
];

/** The `Environment:` section of a command's help; empty for commands that read none. */
export function environmentHelp(command: string): string {
  const rows = environment.filter((v) => (v.commands as readonly string[]).includes(command));
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((v) => v.name.length)) + 2;
  const lines = rows.map((v) => `  ${v.name.padEnd(width)}${v.meaning}${v.default ? ` (${v.default})` : ''}`);
  return `\nEnvironment:\n${lines.join('\n')}`;
}
