/** The `zeroops` command line. Wiring only: parse arguments, call a command, set the exit code. */
import { parseArgs } from 'node:util';
import { planCommand, type PlanFormat } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import { initCommand } from './commands/init.js';
import { patrolOnce } from './commands/patrol.js';
import { auditVerify } from './commands/audit.js';
import { knowledgeReportCommand } from './commands/knowledge.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { commandHelp, packageVersion } from './help.js';
import { workerSettingsFromEnv } from './settings.js';

const usage = `Usage:
  zeroops init [DIR] [--service NAME] [--datacenters a,b] [--prometheus URL] [--haproxy-socket PATH]
               [--owners login,org/team] [--env NAME] [--yes] [--force]
                                               a starter ops repo for your service (asks what flags leave out)
  zeroops validate [--repo DIR] [paths...]     check manifests; exit 1 on errors
  zeroops plan [--repo DIR] <task.yaml>... [--format markdown|json]
                                               print the plan of tasks, offline
  zeroops lab up [--repo DIR]                  start the lab (real components on loopback) until Ctrl-C; with
                                               --repo, your ops repo on it with ZeroOps running
  zeroops lab pr open|review|merge|comment|show [N] [--title T] [--as LOGIN] [--request-changes]
                                               pull requests on the running lab, from another terminal
  zeroops start                                the GitHub App's webhook server and the workers
  zeroops worker                               workers only (several share Redis, and the SQLite file or MongoDB)
  zeroops patrol --once [--repo DIR] [--service NAME]
                                               run every inspection now and print what it finds; exit 1 on findings
  zeroops audit verify <run-id>                check a run's tamper-evident event chain
  zeroops knowledge report [owner/repo...] [--since 90d]
                                               causes, remediations that work, failing templates, recovery time
  zeroops setup [--webhook-url URL] [--org ORG]
                                               create the GitHub App from app.yml and write its credentials
Options:
  --repo DIR   the ops repo (default: the current directory)
  -h, --help   this help; zeroops <command> --help: the command's options and environment variables
  --version    the version of ZeroOps`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string', default: '.' },
      format: { type: 'string', default: 'markdown' },
      help: { type: 'boolean', short: 'h' },
      service: { type: 'string' },
      datacenters: { type: 'string' },
      prometheus: { type: 'string' },
      'haproxy-socket': { type: 'string' },
      owners: { type: 'string' },
      env: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      once: { type: 'boolean' },
      title: { type: 'string' },
      as: { type: 'string' },
      'request-changes': { type: 'boolean' },
      version: { type: 'boolean' },
      'webhook-url': { type: 'string' },
      org: { type: 'string' },
      'github-url': { type: 'string' },
      out: { type: 'string', default: '.' },
      port: { type: 'string' },
      since: { type: 'string', default: '90d' },
    },
  });
  const [command, ...paths] = positionals;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const err = (text: string) => process.stderr.write(`${text}\n`);
  if (values.version) {
    out(packageVersion());
    return 0;
  }
  if (values.help || !command) {
    out((command && commandHelp(command)) || usage);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'init':
      return initCommand(paths[0] ?? '.', values, out);
    case 'validate':
      return validateCommand(values.repo!, paths, out);
    case 'plan': {
      if (paths.length === 0) throw new UsageError('plan needs the task file(s) to plan');
      if (values.format !== 'markdown' && values.format !== 'json')
        throw new UsageError(`--format must be markdown or json, not ${values.format}`);
      return planCommand(values.repo!, paths, values.format as PlanFormat, out, err);
    }
    case 'lab': {
      const lab = await loadLab();
      if (paths[0] === 'up')
        return lab.labUp(out, values.repo === '.' && !argv.includes('--repo') ? undefined : values.repo);
      if (paths[0] === 'pr') return lab.labPr(paths.slice(1), values, out);
      throw new UsageError('the lab commands are: zeroops lab up [--repo DIR], zeroops lab pr …');
    }
    case 'start':
    case 'worker':
      return serveCommand(command, process.env, out, err);
    case 'setup':
      return setupCommand(
        {
          webhookUrl: values['webhook-url'],
          org: values.org,
          githubUrl: values['github-url'],
          outDir: values.out!,
          repo: values.repo!,
          port: values.port === undefined ? undefined : Number(values.port),
        },
        process.env,
        out,
      );
    case 'patrol':
      if (!values.once)
        throw new UsageError('the patrol runs in the workers; from the command line: zeroops patrol --once');
      return patrolOnce(values.repo!, values.service, out);
    case 'knowledge': {
      if (paths[0] !== 'report')
        throw new UsageError('the knowledge command is: zeroops knowledge report [owner/repo...] [--since 90d]');
      return knowledgeReportCommand(workerSettingsFromEnv(process.env), paths.slice(1), values.since!, out);
    }
    case 'audit': {
      if (paths[0] !== 'verify' || !paths[1])
        throw new UsageError('the audit command is: zeroops audit verify <run-id>');
      return auditVerify(workerSettingsFromEnv(process.env), paths[1], out);
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

class UsageError extends Error {}

/** The lab lives beside the sources (lab/), not in the built app: load it only when asked for. */
interface LabCommands {
  labUp(out: (line: string) => void, repo?: string): Promise<number>;
  labPr(args: string[], flags: Record<string, unknown>, out: (line: string) => void): Promise<number>;
}

async function loadLab(): Promise<LabCommands> {
  const url = new URL('../../lab/up.ts', import.meta.url);
  try {
    return await import(url.href);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('the lab is part of the source checkout: run it there with npx zeroops lab up');
  }
}

// `zeroops validate | head -1`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // People get a sentence, never a stack trace.
  const message =
    (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? `no such file: ${(error as NodeJS.ErrnoException).path}`
      : (error as Error).message;
  process.stderr.write(
    `zeroops: ${message}${error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `\n${usage}` : ''}\n`,
  );
  process.exitCode = 2;
}
