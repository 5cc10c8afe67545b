/** The GitHub adapter on the GitHub double, as the App's installation; no retries: a failing double shows at once. */
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { GitHubDouble } from '../../lab/github-double/index.js';
import { BlobCache } from '../../src/forge/github/blob-cache.js';
import { GitHubForge } from '../../src/forge/github/github-forge.js';
import { unpacedOctokit } from '../../src/forge/github/unpaced-octokit.js';

export async function forgeOnDouble(double: GitHubDouble): Promise<GitHubForge> {
  const probot = new Probot({
    appId: double.appId,
    privateKey: double.privateKey,
    baseUrl: double.url,
    Octokit: unpacedOctokit().defaults({ retry: { enabled: false } }) as typeof ProbotOctokit,
    log: pino({ level: 'silent' }) as never,
  });
  return new GitHubForge((await probot.auth(double.installationId)) as never, new BlobCache());
}
