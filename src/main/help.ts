/** `zeroops <command> --help`: each command's usage, options and the environment variables it reads. */
import { readFileSync } from 'node:fs';
import { environmentHelp } from './environment.js';

const commands: Record<string, string> = {
  validate: `Usage: zeroops validate [--repo DIR] [paths...]
Check the ops repo's manifests (or only the paths given); exit 1 on errors.
Options:
  --repo DIR   the ops repo (default: the current directory)`,
  plan: `Usage: zeroops plan [--repo DIR] <task.yaml>... [--format markdown|json]
Print the plan of tasks, offline: exactly what a pull request would show.
Options:
  --repo DIR        the ops repo (default: the current directory)
  --format FORMAT   markdown (default) or json`,
  init: `Usage: zeroops init [DIR] [--service NAME] [--datacenters a,b] [--prometheus URL] [--haproxy-socket PATH]
                    [--owners login,org/team] [--env NAME] [--yes] [--force]
Write a starter ops repo for one service to DIR (default: the current directory): config, the service,
tasks/README.md, self-contained JSON Schemas and VS Code's yaml.schemas mapping. At a terminal it asks
for what the flags leave out (--yes takes the defaults); it overwrites nothing unless --force.`,
  lab: `Usage: zeroops lab up [--repo DIR]
       zeroops lab pr open [--title T] [--as LOGIN]
       zeroops lab pr review|merge|show N [--as LOGIN] [--request-changes]
       zeroops lab pr comment N "text" [--as LOGIN]
Start the lab (real components on loopback, in a temporary directory) until Ctrl-C; source checkout only.
With --repo, the lab takes the shape of the repo's first service, holds the repo on its GitHub double and
runs ZeroOps against it; lab pr opens, reviews, merges and comments on its pull requests from another
terminal, as one of the lab's people, and prints what ZeroOps answers.`,
  start: `Usage: zeroops start
The GitHub App's webhook server, with the workers when REDIS_URL is set. Checks the App's credentials
first (the key parses, GitHub answers GET /app) and exits 2 with one line if they are wrong.
Serves /healthz, /readyz (503 while Redis is unreachable) and /metrics. SIGTERM drains, then exits.`,
  worker: `Usage: zeroops worker
Workers only: they execute merged plans. Several share Redis and the store (the SQLite file on one
machine; PostgreSQL or MongoDB across machines). Checks the App's credentials first, as start does.`,
  patrol: `Usage: zeroops patrol --once [--repo DIR] [--service NAME]
Run every inspection of the ops repo's services (or one service's) now, against the Prometheus its
config names, and print what each finds: the diagnosis, its evidence, what it rules out, and the
remediations with what the policy lets ZeroOps do. No Redis, no GitHub, nothing filed or changed.
Exit 1 when an inspection found something, 0 when all is quiet, 2 when Prometheus cannot be used.`,
  audit: `Usage: zeroops audit verify <run-id>
Check a run's tamper-evident event chain in the store; exit 1 if it does not verify.`,
  knowledge: `Usage: zeroops knowledge report [owner/repo...] [--since 90d]
Print what the store's runs and incidents say, per repository (all it knows when none is named): the
most common causes, the remediations that fixed them most often, the templates whose runs fail most,
and the time to recover. Reads the store of ZEROOPS_DATA_DIR, DATABASE_URL or MONGODB_URI.`,
  setup: `Usage: zeroops setup [--webhook-url URL] [--org ORG] [--github-url URL] [--out DIR] [--repo DIR] [--port N]
Create the GitHub App from app.yml through GitHub's App-manifest flow: open the local page it prints,
confirm on GitHub, and the App's credentials are written to DIR (zeroops.private-key.pem and zeroops.env,
both mode 0600; secrets are never printed). Then it prints the next steps.
Options:
  --webhook-url URL   where GitHub sends webhooks, e.g. https://zeroops.example.com/api/github/webhooks
                      (asked for when omitted)
  --org ORG           create the App in this organization (default: your personal account)
  --github-url URL    GitHub Enterprise Server, e.g. https://github.example.com (default: https://github.com)
  --out DIR           where to write the credentials (default: the current directory)
  --repo DIR          the ops repo, to list which hosts must reach what its .zeroops/config.yaml names
  --port N            the setup page's port on 127.0.0.1 (default: a free one)`,
};

export function commandHelp(command: string): string | undefined {
  const text = commands[command];
  return text === undefined ? undefined : `${text}${environmentHelp(command)}`;
}

export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
