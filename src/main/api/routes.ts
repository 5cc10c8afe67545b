/**
 * The HTTP API's routes: what each answers, in the words of docs/openapi.yaml (a test holds the two
 * together). Ids hold `/` and `#` (`owner/repo#12`): they come URL-encoded, and whole.
 */
import type { IncomingMessage } from 'node:http';
import { viewIncident } from '../../app/incident-view.js';
import { viewRun } from '../../app/run-view.js';
import { submitTask, type SubmitDeps } from '../../app/submit-task.js';
import type { Log } from '../../app/ports.js';
import type { Store } from '../../engine/store.js';
import { bodyLimit, readBody, type Answer } from './http.js';

export interface ApiDeps extends SubmitDeps {
  /** The bearer token every request must carry (ZEROOPS_API_TOKEN). */
  token: string;
  store: Pick<Store, 'repos' | 'run' | 'events' | 'incident' | 'loopState' | 'saveLoopState'>;
}

interface Route {
  method: 'GET' | 'POST';
  /** As docs/openapi.yaml names it. */
  path: string;
  pattern: RegExp;
  answer(deps: ApiDeps, request: { id: string; req: IncomingMessage; log: Log }): Promise<Answer>;
}

export const apiRoutes: readonly Route[] = [
  { method: 'POST', path: '/api/tasks', pattern: /^\/api\/tasks$/, answer: postTask },
  {
    method: 'GET',
    path: '/api/runs/{id}',
    pattern: /^\/api\/runs\/(.+)$/,
    answer: async ({ store }, { id }) => found(await viewRun(store, id), `no run ${id}`),
  },
  {
    method: 'GET',
    path: '/api/incidents/{id}',
    pattern: /^\/api\/incidents\/(.+)$/,
    answer: async ({ store }, { id }) => found(await viewIncident(store, id), `no incident ${id}`),
  },
];

const found = (view: object | undefined, missing: string): Answer =>
  view ? { status: 200, body: view } : { status: 404, body: { error: missing } };

async function postTask(deps: ApiDeps, { req, log }: { req: IncomingMessage; log: Log }): Promise<Answer> {
  const text = await readBody(req, bodyLimit);
  if (text === undefined) return { status: 413, body: { error: 'the body is over 1 MB' } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const message = `not JSON: ${(error as Error).message}`;
    return { status: 400, body: { error: message, problems: [{ field: '(body)', message }] } };
  }
  const submitted = await submitTask(deps, body);
  if (submitted.outcome === 'unknown-repo')
    return { status: 404, body: { error: `ZeroOps is not installed on ${submitted.repo}, or has not heard from it` } };
  if (submitted.outcome === 'invalid')
    return {
      status: 400,
      body: { error: 'the task does not pass the checks: nothing was opened', problems: submitted.problems },
    };
  log.info({ pull: submitted.pullRequest.number }, 'a task sent through the API was opened as a pull request');
  return { status: 201, body: { pullRequest: submitted.pullRequest, plans: submitted.plans } };
}
