/** Where a running `lab up --repo` says how to reach it: one lab per machine user, in the temp folder. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface LabState {
  url: string;
  token: string;
  repo: string;
  pid: number;
  /** Lab users and what they may do, for help texts. */
  users: { login: string; permission: string; note: string }[];
}

export const labStateFile = () => join(tmpdir(), `zeroops-lab-${userInfo().username}.json`);

export function writeLabState(state: LabState): void {
  writeFileSync(labStateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function removeLabState(): void {
  rmSync(labStateFile(), { force: true });
}

/** The running lab's state; a clear error when none runs. */
export function readLabState(): LabState {
  let state: LabState;
  try {
    state = JSON.parse(readFileSync(labStateFile(), 'utf8')) as LabState;
  } catch {
    throw new Error('no lab is running: start one with npx zeroops lab up --repo DIR');
  }
  try {
    process.kill(state.pid, 0);
  } catch {
    throw new Error(
      `the lab that ran as process ${state.pid} has stopped: start one with npx zeroops lab up --repo DIR`,
    );
  }
  return state;
}
