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
