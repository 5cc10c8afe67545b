/**
 * Runs an operator's script as an argument vector: no shell ever parses manifest values. Bounded by
 * a timeout; output captured, capped, and with secrets redacted. Each run has an attempt folder
 * (see attempt-folder.ts): given the folder of an attempt a worker that died had started, it waits
 * for that script instead of starting it a second time, and reports how it ended.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attemptOutput, attemptState, attemptWrapper } from './attempt-folder.js';
import { scriptLimits } from './script-limits.js';

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The script was started by a worker that stopped, and it ended without saying how. */
  interrupted?: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** Values that must never appear in what is returned (tokens, passwords). */
  secrets?: string[];
  /** Stops the script (its whole process group) when aborted, like a timeout. */
  signal?: AbortSignal;
  maxOutputBytes?: number;
  /** Where this attempt's process, output and status are kept; a fresh temporary folder when absent. */
  attemptDir?: string;
}

type Ending = Pick<CommandResult, 'exitCode' | 'signal' | 'timedOut' | 'interrupted'>;

export async function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string'))
    throw new TypeError('argv must be a non-empty list of strings');
  const started = Date.now();
  const dir = options.attemptDir ?? mkdtempSync(join(tmpdir(), 'zeroops-attempt-'));
  try {
    const ending = await endingOf(argv, dir, options);
    const limit = options.maxOutputBytes ?? scriptLimits.outputBytes;
    const redact = (text: string) => redactSecrets(text, options.secrets ?? []);
    return {
      ...ending,
      stdout: redact(await attemptOutput(dir, 'stdout', limit)),
      stderr: redact(await attemptOutput(dir, 'stderr', limit)),
      durationMs: Date.now() - started,
    };
  } finally {
    if (!options.attemptDir) rmSync(dir, { recursive: true, force: true });
  }
}

async function endingOf(argv: readonly string[], dir: string, options: CommandOptions): Promise<Ending> {
  const state = attemptState(dir);
  switch (state.kind) {
    case 'finished':
      return { exitCode: state.exitCode, signal: null, timedOut: false };
    case 'running':
      return adopt(state.pid, dir, options);
    case 'gone':
      return { exitCode: null, signal: null, timedOut: false, interrupted: true };
    case 'absent':
      mkdirSync(dir, { recursive: true });
      return start(argv, dir, options);
  }
}

function start(argv: readonly string[], dir: string, options: CommandOptions): Promise<Ending> {
  // Its own process group, so stopping it stops what it started too (a restart script's children);
  // output goes to files, so the script finishes even when the worker that started it does not.
  const child = spawn('/bin/sh', ['-c', attemptWrapper, dir, ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    detached: true,
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    const stopper = whenToStop(child.pid, options);
    const finish = (code: number | null, signal: string | null) => {
      stopper.dispose();
      const state = attemptState(dir);
      const exitCode = state.kind === 'finished' && !stopper.stopped() ? state.exitCode : code;
      resolve({ exitCode, signal, timedOut: stopper.stopped() });
    };
    child.once('error', () => finish(null, null));
    child.once('close', finish);
  });
}

/** Waits for a script that a worker which stopped had started; stops it at this attempt's timeout. */
async function adopt(pid: number, dir: string, options: CommandOptions): Promise<Ending> {
  const stopper = whenToStop(pid, options);
  try {
    for (;;) {
      const state = attemptState(dir);
      if (state.kind === 'finished')
        return { exitCode: stopper.stopped() ? null : state.exitCode, signal: null, timedOut: stopper.stopped() };
      if (state.kind !== 'running') return { exitCode: null, signal: null, timedOut: stopper.stopped() };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    stopper.dispose();
  }
}

/** Stops the process group of `pid` at the timeout or when the signal aborts: SIGTERM, then SIGKILL. */
function whenToStop(pid: number | undefined, options: CommandOptions) {
  let stopped = false;
  let disposed = false;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (pid === undefined || disposed) return; // once it ended, its number may belong to another group
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const stop = () => {
    stopped = true;
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), scriptLimits.killGraceMs).unref();
  };
  const timer = setTimeout(stop, options.timeoutMs);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  return {
    stopped: () => stopped,
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    },
  };
}

/** Replace every secret value, and anything shaped like a credential, with a marker. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets.filter((s) => s.length >= 4)) out = out.split(secret).join('[redacted]');
  return out
    .replace(/\b(gh[pousr]_[A-Za-z0-9_]{16,})/g, '[redacted]')
    .replace(/(\b(?:password|passwd|token|secret|api[_-]?key)\s*[=:]\s*)(\S+)/gi, '$1[redacted]')
    .replace(/(\/\/[^/\s:@]+:)([^@\s/]+)(@)/g, '$1[redacted]$3');
}
