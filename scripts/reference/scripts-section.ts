// "Calling convention of scripts": how restart.command, config.command and Runbook `command run` are called,
// as src/kinds/ and src/providers/command/ do it. The figures come in as facts, so they cannot drift.
import { formatDuration } from '../../src/manifest/units.js';
import { table } from './markdown.js';

export interface ScriptFacts {
  limits: {
    timeoutMs: number;
    killGraceMs: number;
    outputBytes: number;
    keptStdoutChars: number;
    failureTailChars: number;
  };
  /** A step's timeout and a Restart step's retries when nothing sets them. */
  stepTimeoutSeconds: number;
  restartRetries: number;
  runbookRetries: number;
  /** The ZEROOPS_* variables a script is given, in order. */
  variables: readonly string[];
}

const meanings: Record<string, string> = {
  ZEROOPS_RUN_ID: 'The id of the run.',
  ZEROOPS_TASK: "The task's `metadata.name`.",
  ZEROOPS_SERVICE: "The task's `metadata.service`.",
  ZEROOPS_ENV: "The task's environment (`metadata.env`, or the one completion chose).",
  ZEROOPS_STEP:
    "The step: a Runbook step's `name`, `restart-<n>` for a Restart's n-th batch, `undo-<i>` for the i-th " +
    'action of a rollback (from 0).',
  ZEROOPS_ATTEMPT: "1 for the step's first try, 2 for its first retry, and so on; 1 in a rollback.",
  ZEROOPS_IDEMPOTENCY_KEY:
    'The same for every start of the same attempt, new for each retry: a script that remembers the keys it ' +
    'has done can make itself safe to repeat.',
};

export function scriptsSection(facts: ScriptFacts): string {
  return [
    '## Calling convention of scripts',
    "Scripts are files of the ops repo's `scripts/` folder. A manifest names one as the first element of an " +
      'argument list (`argv`): `scripts/x.sh` or `./scripts/x.sh`; anything else is refused when planned.',
    restartCommand(facts),
    configCommand(),
    runbookCommand(facts),
    everyScript(facts),
  ].join('\n\n');
}

function restartCommand(facts: ScriptFacts): string {
  return [
    '### `restart.command` (Restart)',
    "For a service behind HAProxy, a Restart takes the instances (the `servers` of each datacenter's `haproxy`) " +
      'of its datacenters round-robin, one datacenter after another, in batches of `batchSize`. For each batch it ' +
      'drains the instances, runs the restart script once, returns the instances to service, and holds for ' +
      '`interval` with the gates checked. The script gets `restart.command` as written, then the server names of ' +
      'the batch, in that order:',
    '```\nscripts/restart-instance.sh checkout-a1 checkout-b1\n```',
    'for `restart.command: [scripts/restart-instance.sh]`, `batchSize: 2` and datacenters `dc-a` ' +
      '(`checkout-a1`, `checkout-a2`) and `dc-b` (`checkout-b1`, `checkout-b2`). The step is `restart-<n>`, ' +
      `with a timeout of ${formatDuration(facts.stepTimeoutSeconds)} and ${facts.restartRetries} retries. ` +
      'It is not undone; when the run rolls back, every instance it drained is set `ready` again.',
    'For a service deployed through Kubernetes, a Restart plans a `kubernetes rollout-restart` per datacenter ' +
      'instead, which this version does not execute: such a Restart is refused when planned, and ' +
      '`restart.command` is not used.',
  ].join('\n\n');
}

function configCommand(): string {
  return [
    '### `config.command` (ConfigUpdate)',
    'This version plans ConfigUpdate tasks but does not execute them: merging one runs nothing, and ' +
      '`config.command` is never run. Its plan records, for each datacenter, `command config-set` with params ' +
      '`argv` (`config.command`), `datacenter` and `set` (the keys and values), undone by `command ' +
      'config-restore` (`argv`, `datacenter`, `keys`), then `command hot-reload` or `command restart` (`argv`, ' +
      '`datacenter`). How those become a command line is not defined by this version.',
  ].join('\n\n');
}

function runbookCommand(facts: ScriptFacts): string {
  return [
    '### Runbook `command run`',
    'The script gets `params.argv` as written, then the `server` of each entry of `params.targets`, if any. The ' +
      "step is the Runbook step's name; its timeout and retries are the step's `timeout` (default " +
      `${formatDuration(facts.stepTimeoutSeconds)}) and \`retries\` (default ${facts.runbookRetries}).`,
  ].join('\n\n');
}

function everyScript(facts: ScriptFacts): string {
  const { limits } = facts;
  const timeout = formatDuration(limits.timeoutMs / 1000);
  const variables = facts.variables.map((name) => {
    if (!meanings[name]) throw new Error(`say what ${name} means in scripts/reference/scripts-section.ts`);
    return [`\`${name}\``, meanings[name]];
  });
  return [
    '### What every script gets',
    [
      '- **Arguments**: each element of the argument list is one argument, passed as written (as `"$@"`): no ' +
        "shell parses a manifest's values.",
      "- **Working directory**: a folder holding the ops repo's `scripts/` folder as it is at the run's merge " +
        'commit, and nothing else (`<ZEROOPS_DATA_DIR>/scripts/<owner>_<repo>/<merge commit>/`): what runs is what ' +
        'was reviewed and merged. ZeroOps makes every file there executable.',
      "- **Environment**: only `PATH` (the worker's, else `/usr/bin:/bin`), the variables that `ZEROOPS_SCRIPT_ENV` " +
        "names (comma-separated, those set on the worker) and the variables below; nothing else of the worker's.",
      '- **Standard input**: empty (`/dev/null`).',
      '- **Exit status**: 0 is success: the step records the last ' +
        `${limits.keptStdoutChars} characters of stdout and how long it took. Anything else fails the attempt, ` +
        `quoting the last ${limits.failureTailChars} characters of stderr (of stdout when stderr is empty); the ` +
        'step is tried again while it has retries left, then the run rolls back.',
      "- **Timeout**: the script is stopped when its step's timeout passes, and after " +
        `${timeout} at most: SIGTERM to its process group (it runs in a group of its own, so what it started ` +
        `stops too), SIGKILL ${formatDuration(limits.killGraceMs / 1000)} later. That fails the attempt.`,
      `- **Output**: stdout and stderr are captured apart; the first ${limits.outputBytes / 1024} KiB of each is ` +
        'kept, with secrets redacted: the values of the `ZEROOPS_SCRIPT_ENV` variables (of 4 characters or more), ' +
        'GitHub tokens, `password=…`, `token: …` and similar values, and passwords in URLs.',
      '- **Started once per attempt**: the step is recorded as running before its script starts, and the ' +
        "script's process id, output and exit status go to an attempt folder in `<ZEROOPS_DATA_DIR>/attempts/`, " +
        'so the script outlives a worker that dies. The worker that takes the run over continues the same ' +
        'attempt: if the script has finished it takes its outcome; if it still runs it waits for it (its timeout ' +
        'counted from the takeover); if it ended without an exit status, the attempt fails and the retries apply. ' +
        'Only a worker that cannot see the folder (on another machine) starts the script again, with the same ' +
        '`ZEROOPS_ATTEMPT` and `ZEROOPS_IDEMPOTENCY_KEY`. A success is stored, so a repeated job does not run it ' +
        'again.',
    ].join('\n'),
    table(['Variable', 'Value'], variables),
  ].join('\n\n');
}
