/** A Probot instance running the ZeroOps app, with retries and throttling off for deterministic tests. */
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { zeroopsApp } from '../../src/forge/github/app.js';
import { MemoryDeliveryLog } from '../../src/store/memory-delivery-log.js';
import { testPrivateKey } from './github-double.js';

export async function testProbot(): Promise<Probot> {
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    // A function, so it runs on the final options: Probot re-adds its throttle defaults otherwise.
    Octokit: ProbotOctokit.defaults((options: Record<string, object>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })) as typeof ProbotOctokit,
    log: pino({ level: 'silent' }) as never,
  });
  await probot.load(zeroopsApp({ deliveries: new MemoryDeliveryLog() }));
  return probot;
}
