/**
 * The GitHub double's HTTP server: every request is authenticated as GitHub would, checked against
 * GitHub's OpenAPI description, and answered from the double's state. Anything off is answered
 * with GitHub's error status and recorded as a violation, so a test can fail on it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AppManifests } from './app-manifests.js';
import type { AppAuth } from './auth.js';
import { checkRequest } from './openapi.js';
import { routes } from './routes.js';
import type { DoubleState } from './state.js';

export interface RequestRecord {
  method: string;
  path: string;
  operation?: string;
  status: number;
}

export interface ServerHooks {
  state: DoubleState;
  auth: AppAuth;
  apps: AppManifests;
  installationId: number;
  violations: string[];
  requests: RequestRecord[];
  /** Sends a webhook that a write through the API sets off. */
  webhook(event: string, action: string, fields: Record<string, unknown>): void;
}

export function createDoubleServer(hooks: ServerHooks): Server {
  return createServer((req, res) => {
    void handle(req, hooks)
      .catch((error: Error): [number, unknown] => {
        hooks.violations.push(`${req.method} ${req.url}: the double failed: ${error.message}`);
        return [500, { message: error.message }];
      })
      .then(([status, body]) => {
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-media-type': 'github.v3',
        });
        res.end(status === 204 ? undefined : JSON.stringify(body));
      });
  });
}

async function handle(req: IncomingMessage, hooks: ServerHooks): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://double.invalid');
  const text = await readBody(req);
  const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
  hooks.requests.push(record);
  const fail = (status: number, message: string): [number, unknown] => {
    hooks.violations.push(`${record.method} ${url.pathname}${url.search}: ${message}`);
    record.status = status;
    return [status, { message, documentation_url: 'https://docs.github.com/rest' }];
  };
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return fail(400, 'Problems parsing JSON');
  }
  const checked = checkRequest(record.method, url, body);
  if ('violation' in checked) return fail(checked.status, checked.violation);
  record.operation = checked.operation.id;
  const done = (status: number, json: unknown): [number, unknown] => {
    record.status = status;
    return [status, json];
  };
  // The manifest flow's code is the credential: GitHub asks for no authentication there.
  if (checked.operation.id === 'apps/create-from-manifest') {
    const app = hooks.apps.convert(checked.operation.params.code!);
    return app ? done(201, app) : fail(404, 'no such code, or it was used or has expired');
  }
  if (appOperations.has(checked.operation.id)) {
    const jwt = hooks.auth.checkAppJwt(req.headers.authorization);
    if ('problem' in jwt) return fail(401, jwt.problem);
    if (checked.operation.id === 'apps/get-authenticated') return done(200, hooks.apps.get(jwt.appId));
    if (Number(checked.operation.params.installation_id) !== hooks.installationId || jwt.appId !== hooks.auth.appId)
      return fail(404, 'no such installation');
    return done(201, {
      token: hooks.auth.issueToken(),
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: {},
      repository_selection: 'all',
    });
  }
  const tokenProblem = hooks.auth.checkToken(req.headers.authorization);
  if (tokenProblem) return fail(401, tokenProblem);
  const { owner, repo } = checked.operation.params;
  if (owner !== undefined && (owner !== hooks.state.owner || repo !== hooks.state.repoName))
    return fail(404, `no repository ${owner}/${repo} in the double`);
  const route = routes[checked.operation.id];
  if (!route) return fail(501, `${checked.operation.id} is valid for GitHub but the double does not implement it`);
  const reply = await route({
    state: hooks.state,
    params: checked.operation.params,
    query: url.searchParams,
    body: (body ?? {}) as Record<string, unknown>,
    webhook: hooks.webhook,
  });
  record.status = reply[0];
  return reply;
}

/** Operations an App calls with its JWT; every other one takes an installation token. */
const appOperations = new Set(['apps/create-installation-access-token', 'apps/get-authenticated']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
