/**
 * The App's credentials as `zeroops setup` leaves them: the private key in its own file and the
 * variables `zeroops start` reads in an env file (also what compose.yaml's env_file takes), both
 * created with mode 0600 and never overwritten.
 */
import { access, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface CreatedApp {
  id: number;
  slug: string;
  name: string;
  html_url: string;
  pem: string;
  webhook_secret: string | null;
}

export interface CredentialFiles {
  key: string;
  env: string;
}

export function credentialFiles(outDir: string): CredentialFiles {
  return { key: resolve(join(outDir, 'zeroops.private-key.pem')), env: resolve(join(outDir, 'zeroops.env')) };
}

/** Checked before GitHub creates anything: credentials already there stay as they are. */
export async function refuseExisting(files: CredentialFiles): Promise<void> {
  for (const file of [files.key, files.env]) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new Error(`${file} already exists: move it away, or write elsewhere with --out DIR`);
  }
}

export async function writeCredentials(files: CredentialFiles, app: CreatedApp, apiUrl: string): Promise<void> {
  const lines = [
    `# The GitHub App ${app.name} (${app.html_url}), created by zeroops setup on ${new Date().toISOString()}.`,
    '# It holds secrets: keep it out of version control.',
    `APP_ID=${app.id}`,
    `PRIVATE_KEY_PATH=${files.key}`,
    `WEBHOOK_SECRET=${app.webhook_secret ?? ''}`,
    ...(apiUrl === 'https://api.github.com' ? [] : [`GITHUB_API_URL=${apiUrl}`]),
  ];
  await writeFile(files.key, app.pem, { mode: 0o600, flag: 'wx' });
  await writeFile(files.env, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
}
