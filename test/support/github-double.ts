/**
 * An HTTP-level GitHub double on nock for the webhook tests: it serves one repository's pull
 * request, trees and blobs, records every check run and comment the bot writes, and fails the test
 * on any request it does not expect.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import nock from 'nock';

export const api = 'https://api.github.com';

export interface DoubleState {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
  base: Record<string, string>;
  head: Record<string, string>;
  /** Comments already on the PR. */
  comments?: { id: number; body: string; user: { login: string; type: string } }[];
}

export interface Recorded {
  checkRuns: { id: number; body: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  checkUpdates: { id: number; body: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  commentsCreated: string[];
  commentsUpdated: { id: number; body: string }[];
  unexpected: string[];
  requests: string[];
}

export const blobId = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

export function changedPaths(state: DoubleState): { filename: string; status: string }[] {
  const paths = new Set([...Object.keys(state.base), ...Object.keys(state.head)]);
  return [...paths].flatMap((path) => {
    if (!(path in state.head)) return [{ filename: path, status: 'removed' }];
    if (!(path in state.base)) return [{ filename: path, status: 'added' }];
    return state.base[path] === state.head[path] ? [] : [{ filename: path, status: 'modified' }];
  });
}

export function githubDouble(state: DoubleState): Recorded {
  const recorded: Recorded = {
    checkRuns: [],
    checkUpdates: [],
    commentsCreated: [],
    commentsUpdated: [],
    unexpected: [],
    requests: [],
  };
  const repoPath = `/repos/${state.owner}/${state.repo}`;
  const blobs = new Map(
    [...Object.values(state.base), ...Object.values(state.head)].map((text) => [blobId(text), text]),
  );
  const trees: Record<string, Record<string, string>> = { [state.baseSha]: state.base, [state.headSha]: state.head };
  let nextCheckId = 1000;

  nock.disableNetConnect();
  nock.emitter.on('no match', (req: { method?: string; path?: string; options?: { path?: string } }) => {
    recorded.unexpected.push(`${req.method ?? ''} ${req.path ?? req.options?.path ?? ''}`);
  });
  const scope = nock(api).persist();
  scope.on('request', (req: { method: string; path: string }) => {
    recorded.requests.push(`${req.method} ${req.path.split('?')[0]}`);
    if (process.env.TRACE_DOUBLE) console.log(Date.now() % 100000, req.method, req.path);
  });
  scope
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
  scope
    .get(`${repoPath}/pulls/${state.number}/files`)
    .query(true)
    .reply(200, () => changedPaths(state));
  scope
    .get(new RegExp(`^${repoPath}/git/trees/([0-9a-f]+)`))
    .query({ recursive: 'true' })
    .reply((uri) => {
      const sha = /trees\/([0-9a-f]+)/.exec(uri)![1]!;
      const files = trees[sha];
      if (!files) return [404, { message: 'Not Found' }];
      return [
        200,
        {
          sha,
          truncated: false,
          tree: Object.entries(files).map(([path, text]) => ({
            path,
            mode: '100644',
            type: 'blob',
            sha: blobId(text),
            size: text.length,
          })),
        },
      ];
    });
  scope.get(new RegExp(`^${repoPath}/git/blobs/([0-9a-f]+)$`)).reply((uri) => {
    const text = blobs.get(/blobs\/([0-9a-f]+)/.exec(uri)![1]!);
    return text === undefined
      ? [404, { message: 'Not Found' }]
      : [200, { content: Buffer.from(text).toString('base64'), encoding: 'base64' }];
  });
  scope
    .get(new RegExp(`^${repoPath}/contents/(.+)`))
    .query(true)
    .reply((uri) => {
      const url = new URL(uri, api);
      const path = decodeURIComponent(url.pathname.slice(`${repoPath}/contents/`.length));
      const text = trees[url.searchParams.get('ref') ?? '']?.[path];
      return text === undefined
        ? [404, { message: 'Not Found' }]
        : [200, { type: 'file', path, content: Buffer.from(text).toString('base64'), encoding: 'base64' }];
    });
  scope.post(`${repoPath}/check-runs`).reply(201, (_uri, body) => {
    const id = nextCheckId++;
    recorded.checkRuns.push({ id, body: body as Record<string, unknown> });
    return { id };
  });
  scope.patch(new RegExp(`^${repoPath}/check-runs/(\\d+)$`)).reply(200, (uri, body) => {
    const id = Number(/check-runs\/(\d+)/.exec(uri)![1]);
    recorded.checkUpdates.push({ id, body: body as Record<string, unknown> });
    return { id };
  });
  scope
    .get(`${repoPath}/issues/${state.number}/comments`)
    .query(true)
    .reply(200, () => state.comments ?? []);
  scope.post(`${repoPath}/issues/${state.number}/comments`).reply(201, (_uri, body) => {
    recorded.commentsCreated.push((body as { body: string }).body);
    return { id: 1 };
  });
  scope.patch(new RegExp(`^${repoPath}/issues/comments/(\\d+)$`)).reply(200, (uri, body) => {
    recorded.commentsUpdated.push({
      id: Number(/comments\/(\d+)/.exec(uri)![1]),
      body: (body as { body: string }).body,
    });
    return {};
  });
  return recorded;
}

export function resetGithubDouble(): void {
  nock.cleanAll();
  nock.emitter.removeAllListeners('no match');
  nock.enableNetConnect();
}

let cachedKey: string | undefined;
/** A real RSA key, so Probot signs its app token as it would in production. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  return cachedKey;
}
