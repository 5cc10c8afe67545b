/**
 * The App manifest `zeroops setup` posts to GitHub: app.yml (permissions and events), with the
 * webhook URL the person gives and the redirect back to the local setup page; and where GitHub is.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface GitHubUrls {
  /** The web UI: https://github.com, or a GitHub Enterprise Server. */
  web: string;
  /** The REST API root. */
  api: string;
}

export function githubUrls(githubUrl: string | undefined, apiUrl: string | undefined): GitHubUrls {
  const web = (githubUrl ?? 'https://github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(web))
    throw new Error(`--github-url must be like https://github.example.com, not ${web}`);
  const dotCom = new URL(web).hostname === 'github.com';
  return { web, api: (apiUrl || (dotCom ? 'https://api.github.com' : `${web}/api/v3`)).replace(/\/+$/, '') };
}

/** GitHub's page that creates an App from a posted manifest, for a person's account or an organization. */
export function newAppUrl(urls: GitHubUrls, org: string | undefined, state: string): string {
  const owner = org ? `/organizations/${encodeURIComponent(org)}` : '';
  return `${urls.web}${owner}/settings/apps/new?state=${state}`;
}

/** app.yml, read before anything is served: a broken one fails setup at once. */
export function appYml(): Record<string, unknown> {
  return parse(readFileSync(new URL('../../../app.yml', import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function appManifest(app: Record<string, unknown>, webhookUrl: string, redirectUrl: string) {
  return { ...app, hook_attributes: { url: webhookUrl, active: true }, redirect_url: redirectUrl };
}

/** Where GitHub sends webhooks must be an http(s) URL GitHub can reach. */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `the webhook URL must be a URL such as https://zeroops.example.com/api/github/webhooks, not '${text}'`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`the webhook URL must be http(s), not ${text}`);
  return url.href;
}
