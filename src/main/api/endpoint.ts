/**
 * The HTTP API as one handler of the server: the route, then the token, then the route's answer.
 * Off (no token set, or no Redis: no runs or repositories to serve) it answers 503 saying why, and does nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../../app/ports.js';
import { failureAnswer } from './failures.js';
import { bearerMatches, send, type Answer } from './http.js';
import { apiRoutes, type ApiDeps } from './routes.js';

export type ApiOption = ApiDeps | { off: string };

export const apiOff = { off: 'API disabled: set ZEROOPS_API_TOKEN' };

export function apiEndpoint(api: ApiOption, log: Log) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0]!;
    const route = apiRoutes.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route) return false;
    void answer(api, route, path, req, log)
      .then((answered) => send(res, answered))
      .catch((error: unknown) => {
        // Whatever went wrong on the way out, the request gets an answer and the process keeps running.
        log.error({ err: String((error as Error | undefined)?.message ?? error) }, 'API answer failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal error"}');
      });
    return true;
  };
}

async function answer(
  api: ApiOption,
  route: (typeof apiRoutes)[number],
  path: string,
  req: IncomingMessage,
  log: Log,
): Promise<Answer> {
  if ('off' in api) return { status: 503, body: { error: api.off } };
  if (!bearerMatches(req.headers.authorization, api.token))
    return { status: 401, body: { error: 'missing or wrong bearer token' } };
  const id = decoded(route.pattern.exec(path)?.[1] ?? '');
  if (id === undefined) return { status: 404, body: { error: 'the id is not URL-encoded properly' } };
  try {
    return await route.answer(api, { id, req, log });
  } catch (error) {
    const answered = failureAnswer(error);
    if (answered) log.warn({ route: route.path, status: answered.status }, answered.body.error);
    else log.error({ route: route.path, err: (error as Error).message }, 'the API could not answer');
    return answered ?? { status: 500, body: { error: 'ZeroOps could not answer: its log says why' } };
  }
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
