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
    const [line] = await createInterface({ input: parent.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
    const { pids, dir } = JSON.parse(line!) as { pids: number[]; dir: string };
    expect(pids.length).toBe(5);
    expect(alive(pids)).toEqual(pids);
    parent.kill('SIGKILL');
    expect(await eventually(() => alive(pids).length === 0 && !existsSync(dir), 10_000)).toBe(true);
  });
});
