/** The webhook server: Probot with the ZeroOps app, plus health and metrics endpoints. Wiring only. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { pino, type LogFn, type Logger } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import type { Registry } from 'prom-client';
import { zeroopsApp, type AppDeps } from '../forge/github/app.js';
import { MemoryDeliveryLog } from '../store/memory-delivery-log.js';
import { apiEndpoint, apiOff, type ApiOption } from './api/endpoint.js';
import type { AppSettings } from './settings.js';

export const webhookPath = '/api/github/webhooks';

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  app?: AppDeps;
  octokit?: typeof ProbotOctokit;
  metrics?: Registry;
  /** Readiness beyond "the process is up": e.g. Redis and the store answer. */
  ready?: () => Promise<boolean>;
  /** POST /alertmanager/<owner>/<repo>, with its bearer token: another trigger of the patrol. */
  alertmanager?: {
    token: string;
    handle(repo: { owner: string; repo: string }, payload: unknown): Promise<{ status: number; body: object }>;
  };
  /** POST /api/tasks, GET /api/runs/<id>, GET /api/incidents/<id> (docs/openapi.yaml); off unless given. */
  api?: ApiOption;
}

export async function startServer(settings: AppSettings, options: ServerOptions = {}): Promise<RunningServer> {
  // Probot logs each request with its headers: the API's and Alertmanager's bearer tokens are not logged.
  const log = pino({
    level: settings.logLevel,
    name: 'zeroops',
    hooks: { logMethod: withoutProbes },
    redact: ['req.headers.authorization'],
  });
  const server = new Server({
    Probot: Probot.defaults({
      appId: settings.appId,
      privateKey: settings.privateKey,
      secret: settings.webhookSecret,
      baseUrl: settings.githubApiUrl,
      Octokit: options.octokit ?? ProbotOctokit,
      log: log as never,
    }),
    port: await listenablePort(settings.port, settings.host),
    host: settings.host,
    webhookPath,
    log: log as never,
  });
  await server.load(zeroopsApp(options.app ?? { deliveries: new MemoryDeliveryLog() }));
  server.addHandler(apiEndpoint(options.api ?? apiOff, log));
  server.addHandler(endpoints(options));
  await server.start();
  return { port: server.port, stop: () => server.stop() };
}

function endpoints(options: ServerOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const respond = (status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    const alertRepo = /^\/alertmanager\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(req.url ?? '');
    if (req.method === 'POST' && alertRepo && options.alertmanager) {
      void alerts(req, options.alertmanager, { owner: alertRepo[1]!, repo: alertRepo[2]! }).then(
        ({ status, body }) => respond(status, 'application/json', JSON.stringify(body)),
        // Alertmanager retries a 5xx: the alert is not lost while Redis or the store are away.
        (error: Error) => respond(503, 'application/json', JSON.stringify({ error: error.message })),
      );
      return true;
    }
    if (req.method !== 'GET') return false;
    if (req.url === '/healthz') respond(200, 'application/json', '{"status":"ok"}');
    else if (req.url === '/readyz') {
      void (options.ready ?? (async () => true))().then(
        (ok) => respond(ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'not ready' })),
        () => respond(503, 'application/json', '{"status":"not ready"}'),
      );
    } else if (req.url === '/metrics' && options.metrics) {
      void options.metrics.metrics().then((text) => respond(200, options.metrics!.contentType, text));
    } else return false;
    return true;
  };
}

/**
 * Probot logs every request, and a 5xx with a stack trace: health probes and scrapes would fill the
 * log (a stack every few seconds while Redis is down and /readyz answers 503). They are not logged.
 */
function withoutProbes(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  if (typeof args[1] === 'string' && /^GET \/(healthz|readyz|metrics) \d{3} /.test(args[1])) return;
  method.apply(this, args);
}

/** Probot's server treats port 0 as "3000": ask the kernel for a free port ourselves. */
async function listenablePort(port: number, host: string): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, host, () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
  });
}

async function alerts(
  req: IncomingMessage,
  alertmanager: NonNullable<ServerOptions['alertmanager']>,
  repo: { owner: string; repo: string },
): Promise<{ status: number; body: object }> {
  const expected = Buffer.from(`Bearer ${alertmanager.token}`);
  const given = Buffer.from(req.headers.authorization ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { status: 401, body: { error: 'wrong or missing bearer token (ZEROOPS_ALERTMANAGER_TOKEN)' } };
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 1_000_000) return { status: 413, body: { error: 'payload over 1 MB' } };
  }
  try {
    return await alertmanager.handle(repo, JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return { status: 400, body: { error: `not JSON: ${error.message}` } };
    throw error;
  }
}
