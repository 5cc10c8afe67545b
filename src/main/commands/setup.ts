/**
 * `zeroops setup`: create the GitHub App from app.yml through GitHub's App-manifest flow. A page on
 * 127.0.0.1 posts the manifest to GitHub; GitHub redirects back with a one-time code, traded for the
 * App's id, key and webhook secret (`POST /app-manifests/{code}/conversions`), which are written to
 * files, never printed.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline/promises';
import { appManifest, appYml, checkWebhookUrl, githubUrls, newAppUrl, type GitHubUrls } from '../setup/app-manifest.js';
import {
  credentialFiles,
  refuseExisting,
  writeCredentials,
  type CreatedApp,
  type CredentialFiles,
} from '../setup/credential-files.js';
import { nextSteps } from '../setup/next-steps.js';
import { donePage, failedPage, formPage } from '../setup/setup-page.js';

export interface SetupOptions {
  webhookUrl?: string;
  org?: string;
  githubUrl?: string;
  outDir: string;
  repo: string;
  port?: number;
}

export async function setupCommand(
  options: SetupOptions,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536))
    throw new Error('--port must be a port number, such as 8080');
  const urls = githubUrls(options.githubUrl, env.GITHUB_API_URL);
  const files = credentialFiles(options.outDir);
  await refuseExisting(files);
  const app = appYml();
  const webhookUrl = checkWebhookUrl(options.webhookUrl ?? (await askWebhookUrl()));
  const state = randomBytes(16).toString('hex');
  let finish!: (outcome: CreatedApp | Error) => void;
  const finished = new Promise<CreatedApp | Error>((resolve) => (finish = resolve));
  const server = createServer((req, res) => {
    answer(req, res, { app, state, urls, files, webhookUrl, options, finish }).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500).end();
      finish(error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const local = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  out(`Open ${local} in a browser on this machine (over SSH: ssh -L with --port) and confirm on GitHub.`);
  const outcome = await finished;
  server.closeAllConnections();
  server.close();
  if (outcome instanceof Error) throw outcome;
  out(await nextSteps(outcome, files, webhookUrl, options.repo));
  return 0;
}

interface Flow {
  app: Record<string, unknown>;
  state: string;
  urls: GitHubUrls;
  files: CredentialFiles;
  webhookUrl: string;
  options: SetupOptions;
  finish: (outcome: CreatedApp | Error) => void;
}

async function answer(req: IncomingMessage, res: ServerResponse, flow: Flow): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const html = (status: number, body: string) =>
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  if (req.method !== 'GET') return void html(405, failedPage('only GET here'));
  if (url.pathname === '/') {
    // Back to where the browser found this page (through an SSH tunnel, its own port), on loopback only.
    const host = /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(req.headers.host ?? '')
      ? req.headers.host
      : `127.0.0.1:${req.socket.localPort}`;
    const manifest = appManifest(flow.app, flow.webhookUrl, `http://${host}/callback`);
    return void html(200, formPage(newAppUrl(flow.urls, flow.options.org, flow.state), manifest, flow.files.env));
  }
  if (url.pathname !== '/callback') return void html(404, failedPage('nothing here'));
  // The state ties the redirect to the page this run served: another site cannot plant its own App.
  if (url.searchParams.get('state') !== flow.state || !url.searchParams.get('code'))
    return void html(400, failedPage('this link does not come from this setup: start again from its page'));
  try {
    const app = await convert(flow.urls.api, url.searchParams.get('code')!);
    await writeCredentials(flow.files, app, flow.urls.api);
    html(200, donePage(app));
    flow.finish(app);
  } catch (error) {
    html(502, failedPage((error as Error).message));
    flow.finish(error as Error);
  }
}

/** `POST /app-manifests/{code}/conversions`: the code is the credential, valid once for an hour. */
async function convert(api: string, code: string): Promise<CreatedApp> {
  let response: Response;
  try {
    response = await fetch(`${api}/app-manifests/${encodeURIComponent(code)}/conversions`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`could not reach GitHub's API at ${api} (${cause}): check --github-url or GITHUB_API_URL`);
  }
  const body = (await response.json().catch(() => ({}))) as CreatedApp & { message?: string };
  if (response.status !== 201 || !body.pem)
    throw new Error(
      `GitHub did not hand over the App's credentials (POST /app-manifests/…/conversions answered ${response.status}` +
        `${body.message ? `: ${body.message}` : ''}); a code is good once, for an hour: run zeroops setup again`,
    );
  return body;
}

async function askWebhookUrl(): Promise<string> {
  if (!process.stdin.isTTY)
    throw new Error(
      'give --webhook-url: where GitHub sends webhooks, e.g. https://zeroops.example.com/api/github/webhooks',
    );
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question('Webhook URL (https://<your host>/api/github/webhooks): ')).trim();
  } finally {
    prompt.close();
  }
}
