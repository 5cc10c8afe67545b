/** Polling until a component is really ready, with a clear error naming it when it is not. */
import { LabError, type Started } from './processes.js';

export async function waitUntil(
  component: Started | { name: string; logFile?: string; exited?: Promise<unknown> },
  ready: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void component.exited?.then(() => {
    exited = true;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) throw new LabError(component.name, `exited before it was ready (${what})`, component.logFile);
    try {
      if (await ready()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(100);
  }
  throw new LabError(
    component.name,
    `not ready after ${timeoutMs / 1000}s: ${what}${lastError ? ` (last error: ${lastError})` : ''}`,
    component.logFile,
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `find` until it returns something, then returns it; fails naming `what` after `seconds`. */
export async function waitFor<T>(
  what: string,
  find: () => T | undefined | Promise<T | undefined>,
  seconds = 150,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const found = await find();
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`${what}: not seen within ${seconds} s`);
}
