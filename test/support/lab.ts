/** Helpers for tests on the lab's real components. */
import { isAlive } from '../../lab/processes.js';
import { sleep } from '../../lab/wait.js';

export { sleep };

/** Wait until a condition holds, for at most `timeoutMs`; returns whether it did. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(everyMs);
  }
  return condition();
}

export const alive = (pids: number[]) => pids.filter(isAlive);
