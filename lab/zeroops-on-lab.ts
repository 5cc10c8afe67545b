/**
 * ZeroOps (webhook server and workers) running against a lab: the GitHub double as GitHub, the
 * lab's Redis for the queues, and the double's webhooks wired in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbotOctokit } from 'probot';
import { startRuntime, type Runtime } from '../src/main/runtime.js';
import { webhookPath } from '../src/main/server.js';
import type { PatrolSettings } from '../src/main/settings.js';
import type { Lab } from './lab.js';

/** The secret the lab's GitHub double signs webhooks with. */
export const labWebhookSecret = 'lab-webhook-secret';

export interface ZeroOpsOnLab {
  runtime: Runtime;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startZeroOpsOnLab(
  lab: Lab,
  options: { concurrency?: number; octokit?: typeof ProbotOctokit; patrol?: Partial<PatrolSettings> } = {},
): Promise<ZeroOpsOnLab> {
  const github = lab.github!;
  const dataDir = mkdtempSync(join(tmpdir(), 'zeroops-data-'));
  const runtime = await startRuntime(
    {
      appId: github.appId,
      privateKey: github.privateKey,
      webhookSecret: labWebhookSecret,
      port: 0,
      host: '127.0.0.1',
      githubApiUrl: github.url,
      logLevel: 'warn',
      // The double has no rate limits: pacing writes would only slow the lab down.
      githubPacing: false,
      redisUrl: lab.redis!.url,
      dataDir,
      concurrency: options.concurrency ?? 4,
      gateCheckSeconds: 1,
      reconcileSeconds: 2,
      drainSeconds: 10,
      // The lab's Prometheus scrapes every second: the patrol's rhythm is compressed to match.
      patrol: { syncSeconds: 5, verifySeconds: 8, profileSeconds: 3, ...options.patrol },
      scriptEnv: instancesEnv(lab),
    },
    { server: true, workers: true },
    options.octokit,
  );
  github.connectApp({ url: `http://127.0.0.1:${runtime.port}${webhookPath}`, secret: labWebhookSecret });
  return {
    runtime,
    dataDir,
    async stop() {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Scripts find the lab's instances by name in `<SERVICE>_INSTANCES` (and `LAB_INSTANCES`):
 * "name=http://host:port …", as the template's restart script reads them.
 */
function instancesEnv(lab: Lab): Record<string, string> {
  const list = lab.instances.map((i) => `${i.name}=${i.url}`).join(' ');
  return { LAB_INSTANCES: list, [`${lab.service.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_INSTANCES`]: list };
}
