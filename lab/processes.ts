/**
 * The lab's child processes: spawned with their output in a log file, recorded by PID, stopped by
 * PID. A watchdog process stops them if the parent dies without stopping them (SIGKILL, crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Started {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

export class ProcessGroup {
  private readonly started: Started[] = [];
  readonly pidFile: string;

  constructor(private readonly dir: string) {
    this.pidFile = join(dir, 'pids');
    appendFileSync(this.pidFile, '');
  }

  spawn(name: string, command: string, options: SpawnOptions): Started {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(command, options.args, {
      cwd: options.cwd ?? this.dir,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
      uid: options.uid,
      gid: options.gid,
    });
    closeSync(fd);
    if (child.pid === undefined) throw new LabError(name, `could not start ${command}`, logFile);
    appendFileSync(this.pidFile, `${child.pid}\n`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = { name, pid: child.pid, logFile, child, exited };
    this.started.push(started);
    return started;
  }

  pids(): number[] {
    return this.started.map((s) => s.pid);
  }

  /** Stops one process this group started, by its PID. */
  async stop(pid: number, graceMs = 5000): Promise<void> {
    const started = this.started.find((s) => s.pid === pid);
    if (started) await stopProcess(started, graceMs);
  }

  /** SIGTERM every process, then SIGKILL whatever is still there after the grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all([...this.started].reverse().map((s) => stopProcess(s, graceMs)));
  }

  /** For process exit handlers, where nothing asynchronous runs any more. */
  killAllNow(): void {
    for (const s of this.started) signal(s.pid, 'SIGKILL');
  }
}

async function stopProcess(s: Started, graceMs: number): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  signal(s.pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([s.exited, timer])) === 'timeout') {
    signal(s.pid, 'SIGKILL');
    await s.exited;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A component that failed to start or become ready, with the end of its log. */
export class LabError extends Error {
  constructor(
    readonly component: string,
    problem: string,
    readonly logFile?: string,
  ) {
    super(`lab: ${component}: ${problem}${logFile ? `\n--- last lines of ${logFile} ---\n${tail(logFile)}` : ''}`);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
