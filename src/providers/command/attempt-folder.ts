/**
 * The folder of one attempt of a script: what the script wrote (`stdout`, `stderr`), its process
 * (`pid`) and how it ended (`status`). It lives on disk, not in the worker, so a worker that
 * replaces one that died can tell whether the script is still running and how it ended.
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Runs the script's argument vector and records its exit status. The manifest's values are only
 * positional parameters ("$@"): the shell never parses them. `$0` is the attempt folder.
 */
export const attemptWrapper =
  'echo $$ >"$0/pid.tmp" && mv "$0/pid.tmp" "$0/pid"; "$@" >"$0/stdout" 2>"$0/stderr" </dev/null; ' +
  's=$?; echo $s >"$0/status.tmp" && mv "$0/status.tmp" "$0/status"';

export type AttemptState =
  { kind: 'finished'; exitCode: number } | { kind: 'running'; pid: number } | { kind: 'gone' } | { kind: 'absent' };

export function attemptState(dir: string): AttemptState {
  const status = readIfThere(join(dir, 'status'));
  if (status !== undefined) return { kind: 'finished', exitCode: Number(status.trim()) };
  const pidFile = readIfThere(join(dir, 'pid'));
  // No pid: nothing was started (the wrapper writes it first thing, long before anyone looks again).
  if (pidFile === undefined) return { kind: 'absent' };
  const pid = Number(pidFile.trim());
  if (Number.isInteger(pid) && pid > 0 && runsIn(pid, dir)) return { kind: 'running', pid };
  return { kind: 'gone' };
}

/** The first `limit` bytes the script wrote to `stream`. */
export async function attemptOutput(dir: string, stream: 'stdout' | 'stderr', limit: number): Promise<string> {
  const file = await open(join(dir, stream)).catch(() => undefined);
  if (!file) return '';
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await file.read(buffer, 0, limit, 0);
    return buffer.subarray(0, bytesRead).toString();
  } finally {
    await file.close();
  }
}

/** Whether `pid` is alive and is this attempt's wrapper (not a later process that reused the number). */
function runsIn(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdline = readIfThere(`/proc/${pid}/cmdline`);
  return cmdline === undefined || cmdline.split('\0').includes(dir);
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
