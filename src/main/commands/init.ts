/**
 * `zeroops init [DIR]`: a starter ops repo for one service. Flags answer the questions; what they
 * leave out is asked at a terminal, or takes its default (--yes, or no terminal). Nothing that
 * exists is overwritten unless --force.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { starterProblems, starterRepo, type StarterOptions } from '../../manifest/starter/starter-repo.js';

export interface InitFlags {
  service?: string;
  datacenters?: string;
  prometheus?: string;
  'haproxy-socket'?: string;
  owners?: string;
  env?: string;
  yes?: boolean;
  force?: boolean;
}

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function initCommand(dir: string, flags: InitFlags, out: (line: string) => void): Promise<number> {
  const root = resolve(dir);
  const options = await answers(root, flags, out);
  const problems = starterProblems(options);
  if (problems.length) {
    for (const problem of problems) out(`zeroops init: ${problem}`);
    return 2;
  }
  const files = starterRepo(options);
  const existing = files.filter((f) => existsSync(join(root, f.path))).map((f) => f.path);
  if (existing.length && !flags.force) {
    out(`zeroops init: ${root} already has ${existing.join(', ')}; nothing was written (--force overwrites them)`);
    return 1;
  }
  for (const file of files) {
    const path = join(root, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
  out(`Wrote a starter ops repo for ${options.service} to ${root}:`);
  for (const file of files.filter((f) => !f.path.startsWith('schemas/'))) out(`  ${file.path}`);
  out(`  schemas/ (${files.filter((f) => f.path.startsWith('schemas/')).length} JSON Schemas for your editor)`);
  out('');
  out('Next:');
  out(`  npx zeroops validate --repo ${dir}         # should say 0 error(s)`);
  out(`  npx zeroops lab up --repo ${dir}           # try it on a lab of real components`);
  return 0;
}

/** The options from the flags, asking at a terminal for what they leave out. */
async function answers(root: string, flags: InitFlags, out: (line: string) => void): Promise<StarterOptions> {
  const defaults = {
    service:
      basename(root)
        .replace(/^ops-?|-?ops$/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-') || 'my-service',
    datacenters: 'dc-a,dc-b',
    prometheus: 'http://127.0.0.1:9090',
    'haproxy-socket': '/run/haproxy/admin.sock',
    owners: userInfo().username,
    env: 'production',
  };
  const interactive = !flags.yes && process.stdin.isTTY === true;
  const prompt = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  const ask = async (key: keyof typeof defaults, question: string) => {
    const given = flags[key];
    if (given !== undefined) return given;
    if (!prompt) return defaults[key];
    return (await prompt.question(`${question} [${defaults[key]}] `)).trim() || defaults[key];
  };
  try {
    if (prompt) out('A starter ops repo: answer, or press Enter for the default.');
    return {
      service: await ask('service', 'Service name'),
      datacenters: splitList(await ask('datacenters', 'Datacenters (comma-separated)')),
      prometheusUrl: await ask('prometheus', 'Prometheus URL'),
      haproxySocket: await ask('haproxy-socket', "HAProxy's admin socket"),
      owners: splitList(await ask('owners', 'Owners (GitHub logins or org/team, comma-separated)')),
      env: await ask('env', 'Environment'),
    };
  } finally {
    prompt?.close();
  }
}
