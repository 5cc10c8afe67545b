/**
 * The lab's control endpoint on loopback, for `zeroops lab pr …` in another terminal: open a pull
 * request from the user's folder, review, merge or comment as a lab user, and read what ZeroOps
 * said. Every request carries the token the lab wrote to its state file.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { GitHubDouble } from './github-double/index.js';
import { changesFrom, onTheLab, readOwnRepo, type LabEndpoints } from './own-repo.js';

export interface ControlServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface PullView {
  number: number;
  title: string;
  state: string;
  merged: boolean;
  author: string;
  checks: { name: string; status: string; conclusion: string | null; title?: string; summary?: string }[];
  comments: { author: string; body: string }[];
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startControlServer(
  github: GitHubDouble,
  repoDir: string,
  endpoints: LabEndpoints,
): Promise<ControlServer> {
  const token = randomBytes(16).toString('hex');
  const routes: [string, RegExp, (match: string[], body: Record<string, string>) => Promise<unknown>][] = [
    ['POST', /^\/pulls$/, async (_m, body) => openFromFolder(github, repoDir, endpoints, body)],
    ['GET', /^\/pulls\/(\d+)$/, async ([n]) => view(github, Number(n))],
    [
      'POST',
      /^\/pulls\/(\d+)\/reviews$/,
      async ([n], b) => act(github, n!, () => github.review(Number(n), b.user!, review(b.state))),
    ],
    ['POST', /^\/pulls\/(\d+)\/merge$/, async ([n], b) => act(github, n!, () => github.merge(Number(n), b.user!))],
    [
      'POST',
      /^\/pulls\/(\d+)\/comments$/,
      async ([n], b) => act(github, n!, () => github.comment(Number(n), b.user!, b.body!)),
    ],
  ];
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    try {
      if (req.headers['x-lab-token'] !== token) throw new ControlError(401, 'wrong lab token');
      const route = routes.find(([method, path]) => method === req.method && path.test(req.url ?? ''));
      if (!route) throw new ControlError(404, `no ${req.method} ${req.url}`);
      const match = route[1].exec(req.url!)!.slice(1);
      answer(200, await route[2](match, await jsonBody(req)));
    } catch (error) {
      answer(error instanceof ControlError ? error.status : 500, { error: (error as Error).message });
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A pull request of whatever the user's folder holds that the lab's default branch does not. */
async function openFromFolder(
  github: GitHubDouble,
  repoDir: string,
  endpoints: LabEndpoints,
  body: Record<string, string>,
): Promise<PullView> {
  const changes = await changesFrom(github, onTheLab(await readOwnRepo(repoDir), endpoints));
  if (Object.keys(changes).length === 0)
    throw new ControlError(400, `${repoDir} holds nothing the lab's main branch does not: change a file first`);
  const branch = `lab-${Date.now().toString(36)}`;
  const title = body.title || `Change ${Object.keys(changes).join(', ')}`;
  const { number } = await github.openPullRequest({ title, branch, files: changes, author: body.user! });
  return view(github, number);
}

async function act(github: GitHubDouble, number: string, action: () => Promise<unknown>): Promise<PullView> {
  view(github, Number(number)); // a clear error for a pull request that does not exist
  await action();
  return view(github, Number(number));
}

function view(github: GitHubDouble, number: number): PullView {
  const pr = github.state.pulls.get(number);
  if (!pr) throw new ControlError(404, `the lab has no pull request #${number}`);
  const shas = new Set([pr.head.sha, pr.mergeCommitSha].filter(Boolean));
  return {
    number,
    title: pr.title,
    state: pr.state,
    merged: pr.merged,
    author: pr.user.login,
    checks: github
      .checkRuns()
      .filter((c) => shas.has(c.headSha))
      .map(({ name, status, conclusion, title, summary }) => ({ name, status, conclusion, title, summary })),
    comments: github.comments(number).map((c) => ({ author: c.user.login, body: c.body })),
  };
}

const review = (state: string | undefined) =>
  state === 'request-changes' ? 'CHANGES_REQUESTED' : state === 'comment' ? 'COMMENTED' : 'APPROVED';

async function jsonBody(req: IncomingMessage): Promise<Record<string, string>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, string>) : {};
}
