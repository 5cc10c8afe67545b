/** The webhook server: Probot with the ZeroOps app, plus health endpoints. Wiring only. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { zeroopsApp } from '../forge/github/app.js';
import { MemoryDeliveryLog } from '../store/memory-delivery-log.js';
import type { AppSettings } from './settings.js';

export const webhookPath = '/api/github/webhooks';

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

export async function startServer(settings: AppSettings, octokit: typeof ProbotOctokit = ProbotOctokit): Promise<RunningServer> {
  const log = pino({ level: settings.logLevel, name: 'zeroops' });
  const server = new Server({
    Probot: Probot.defaults({
      appId: settings.appId, privateKey: settings.privateKey, secret: settings.webhookSecret,
      baseUrl: settings.githubApiUrl, Octokit: octokit, log: log as never,
    }),
    port: await listenablePort(settings.port, settings.host), host: settings.host, webhookPath, log: log as never,
  });
  await server.load(zeroopsApp({ deliveries: new MemoryDeliveryLog() }));
  server.addHandler(healthHandler);
  await server.start();
  return { port: server.port, stop: () => server.stop() };
}

/** Probot's server treats port 0 as "3000": ask the kernel for a free port ourselves. */
async function listenablePort(port: number, host: string): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, host, () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
}

function healthHandler(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || (req.url !== '/healthz' && req.url !== '/readyz')) return false;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  return true;
}
