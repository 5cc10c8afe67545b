/**
 * The App's credentials, checked before anything starts: the private key parses, and GitHub answers
 * `GET /app` with the App's JWT. Each failure is one sentence (a SettingsError) that never quotes a secret.
 */
import { createPrivateKey } from 'node:crypto';
import { ProbotOctokit } from 'probot';
import { SettingsError, type AppSettings } from './settings.js';

const readme = 'see README: Installing the GitHub App';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface CheckedApp {
  slug: string;
  name: string;
}

export async function checkCredentials(settings: AppSettings, env: NodeJS.ProcessEnv): Promise<CheckedApp> {
  checkPrivateKey(settings.privateKey, env.PRIVATE_KEY ? 'PRIVATE_KEY' : `PRIVATE_KEY_PATH (${env.PRIVATE_KEY_PATH})`);
  return getApp(settings);
}

function checkPrivateKey(pem: string, source: string): void {
  try {
    createPrivateKey(pem);
  } catch (error) {
    const reason = !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)
      ? /-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(pem)
        ? 'it is a public key'
        : 'no -----BEGIN … PRIVATE KEY----- line'
      : `it does not decode: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`;
    throw new SettingsError(`${source} is not a PEM private key (${reason}); ${readme}`);
  }
}

async function getApp(settings: AppSettings): Promise<CheckedApp> {
  const api = settings.githubApiUrl ?? 'https://api.github.com';
  const octokit = new ProbotOctokit({
    auth: { appId: settings.appId, privateKey: settings.privateKey },
    baseUrl: api,
    retry: { enabled: false },
    throttle: { enabled: false },
    request: { signal: AbortSignal.timeout(15_000) },
    log: quiet,
  });
  try {
    const { data } = await octokit.rest.apps.getAuthenticated();
    return { slug: data?.slug ?? '', name: data?.name ?? '' };
  } catch (error) {
    throw new SettingsError(problem(error as { status?: number; message: string; cause?: unknown }, api, settings));
  }
}

function problem(error: { status?: number; message: string; cause?: unknown }, api: string, settings: AppSettings) {
  const said = error.message.split('\n')[0]!.slice(0, 200);
  if (error.status === 401 || error.status === 403)
    return (
      `GitHub refused the App's credentials (GET /app answered ${error.status}: ${said}): ` +
      `check that APP_ID ${settings.appId} is the App's id and the private key is one of its current keys; ${readme}`
    );
  if (error.status === 404)
    return `GitHub at ${api} knows no App ${settings.appId} (GET /app answered 404): check APP_ID; ${readme}`;
  if (error.status && error.status < 500) return `GitHub answered GET /app with ${error.status} (${said}); ${readme}`;
  // fetch's "fetch failed" hides why: the reason (ECONNREFUSED, ENOTFOUND, a timeout) is in its causes.
  let cause = error as { cause?: unknown; code?: unknown; message?: string };
  while (cause.cause && typeof cause.code !== 'string') cause = cause.cause as typeof cause;
  const reason = typeof cause.code === 'string' ? cause.code : (cause.message ?? said);
  return (
    `could not reach GitHub at ${api} to check the App's credentials (${reason}): ` +
    "check GITHUB_API_URL and this host's network"
  );
}
