/** A parent that dies without stopping its lab (SIGKILL, crash) leaves no process and no directory. */
import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { alive, eventually } from '../support/lab.js';

jest.setTimeout(60_000);

const child = new URL('../support/lab-child.ts', import.meta.url).pathname;

describe('lab cleanup', () => {
  it('stops every process of a lab whose parent was killed with SIGKILL', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: parent.stdout! })[Symbol.asyncIterator]();
    const line = (await lines.next()).value as string;
    const { pids, dir } = JSON.parse(line!) as { pids: number[]; dir: string };
    expect(pids.length).toBe(5);
    expect(alive(pids)).toEqual(pids);
    parent.kill('SIGKILL');
    expect(await eventually(() => alive(pids).length === 0 && !existsSync(dir), 10_000)).toBe(true);
  });
});

describe('zeroops lab up', () => {
  it('starts the lab, prints its endpoints, and stops everything on Ctrl-C', async () => {
    const bin = new URL('../../bin/zeroops.js', import.meta.url).pathname;
    const up = spawn(process.execPath, [bin, 'lab', 'up'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    for await (const line of createInterface({ input: up.stdout! })) {
      lines.push(line);
      if (line.startsWith('The lab runs until')) break;
    }
    const pids = lines
      .find((l) => l.trim().startsWith('processes'))!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const dir = lines
      .find((l) => l.trim().startsWith('directory'))!
      .trim()
      .split(/\s+/)[1]!;
    expect(pids.length).toBeGreaterThanOrEqual(10);
    expect(lines.join('\n')).toMatch(/github double\s+http:\/\/127\.0\.0\.1:\d+/);
    const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
    up.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(alive(pids)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
