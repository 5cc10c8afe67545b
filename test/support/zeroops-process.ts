/** `zeroops <command>` as a child process, as an operator runs it: its output lines, its exit. */
import { afterEach } from '@jest/globals';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { eventually } from './lab.js';

export const zeroopsBin = new URL('../../bin/zeroops.js', import.meta.url).pathname;

/**
 * Every process a test spawns and has not seen exit: a test that fails half-way is not left with
 * one running (its open pipes would keep Jest from ever exiting). Killed by PID after each test.
 */
const live = new Set<ChildProcess>();
afterEach(async () => {
  const stray = [...live];
  for (const child of stray) child.kill('SIGKILL');
  await Promise.all(
    stray.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve),
        ),
    ),
  );
});

export interface ZeroOpsProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Settles with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Waits until a line of stdout or stderr matches; returns it. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function spawnZeroOps(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: Omit<SpawnOptions, 'env' | 'stdio'> = {},
  command: string[] = [process.execPath, zeroopsBin],
): ZeroOpsProcess {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    ...options,
    env: { PATH: process.env.PATH, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => stdout.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    async line(pattern, timeoutMs = 30_000) {
      const found = () => [...stdout, ...stderr].find((l) => pattern.test(l));
      if (!(await eventually(() => found() !== undefined, timeoutMs, 50)))
        throw new Error(`no line matched ${pattern} in ${timeoutMs} ms:\n${[...stdout, ...stderr].join('\n')}`);
      return found()!;
    },
  };
}
