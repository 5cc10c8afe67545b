/**
 * Runs an operator's script as an argument vector: no shell, so manifest values can never become
 * shell syntax. Bounded by a timeout; output captured, capped, and with secrets redacted.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
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
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly result: CommandResult,
  ) {
    super(message);
  }
}

export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string'))
    throw new TypeError('argv must be a non-empty list of strings');
  const started = Date.now();
  const limit = options.maxOutputBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    // Its own process group, so stopping it stops what it started too (a restart script's children).
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      shell: false,
      detached: true,
    });
    const out = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[stream].length < limit) out[stream] += chunk.toString().slice(0, limit - out[stream].length);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    let exited = false;
    const stopGroup = (signal: NodeJS.Signals) => {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal); // the group is already gone
      }
    };
    const stop = () => {
      timedOut = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 2000).unref();
    };
    const timer = setTimeout(stop, options.timeoutMs);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const finish = (exitCode: number | null, signal: string | null, spawnError?: Error) => {
      exited = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
      const redact = (text: string) => redactSecrets(text, options.secrets ?? []);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: redact(out.stdout),
        stderr: redact(spawnError ? `${out.stderr}${spawnError.message}` : out.stderr),
        durationMs: Date.now() - started,
      });
    };
    child.once('error', (error) => finish(null, null, error));
    child.once('close', (code, signal) => finish(code, signal));
  });
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
