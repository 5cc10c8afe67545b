/** `zeroops init` as a person runs it on a fresh folder: a repo that validates, with schemas any editor can use. */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const bin = new URL('../../../bin/zeroops.js', import.meta.url).pathname;
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
};

let dir: string;
let repo: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-init-'));
  repo = join(dir, 'payments-ops');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const flags = ['--service', 'payments', '--datacenters', 'east,west', '--owners', 'alice,acme/sre', '--yes'];
const yamlFiles = async (root: string, under = ''): Promise<string[]> =>
  (await readdir(join(root, under), { withFileTypes: true })).flatMap((e) =>
    e.isDirectory() ? [] : e.name.endsWith('.yaml') ? [join(under, e.name)] : [],
  );

// The globs of yaml.schemas: one star within a folder, two stars and a slash across folders.
const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
const globMatches = (glob: string, path: string) =>
  new RegExp(
    `^${glob
      .split('**/')
      .map((part) => part.split('*').map(escape).join('[^/]*'))
      .join('(?:.*/)?')}$`,
  ).test(path);

describe('zeroops init', () => {
  it('writes a starter repo that validate passes, and a drain of one of its datacenters that plans', async () => {
    const init = await run('init', repo, ...flags);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Wrote a starter ops repo for payments to ${repo}:`);
    const validate = await run('validate', '--repo', repo);
    expect(validate).toMatchObject({ code: 0, stdout: '0 error(s), 0 warning(s); 0 task(s) planned\n' });
    // The example in tasks/README.md is a task that plans as it is.
    const readme = await readFile(join(repo, 'tasks/README.md'), 'utf8');
    await writeFile(join(repo, 'tasks/drain-east.yaml'), /```yaml\n([\s\S]*?)```/.exec(readme)![1]!);
    const plan = await run('plan', '--repo', repo, 'tasks/drain-east.yaml');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Shift payments traffic: east 100% → 0% in 4 step(s)');
  });

  it('ships schemas that stand alone: each file validates against the schema its comment and the editor settings name', async () => {
    const schemas = join(repo, 'schemas');
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    for (const name of await readdir(schemas)) {
      const text = await readFile(join(schemas, name), 'utf8');
      expect(text).not.toContain('defs.schema.json');
      ajv.addSchema(JSON.parse(text), name);
    }
    const settings = JSON.parse(await readFile(join(repo, '.vscode/settings.json'), 'utf8'))['yaml.schemas'];
    const files = [
      ...(await yamlFiles(repo, '.zeroops')),
      ...(await yamlFiles(repo, 'services')),
      ...(await yamlFiles(repo, 'tasks')),
    ];
    expect(files).toEqual(['.zeroops/config.yaml', 'services/payments.yaml', 'tasks/drain-east.yaml']);
    for (const file of files) {
      const text = await readFile(join(repo, file), 'utf8');
      const mapped = Object.entries(settings as Record<string, string>).find(([, glob]) => globMatches(glob, file))![0];
      const named = /^# yaml-language-server: \$schema=(\S+)/.exec(text)?.[1];
      if (named) expect(resolve(dirname(join(repo, file)), named)).toBe(join(repo, mapped));
      const validate = ajv.getSchema(mapped.replace('./schemas/', ''))!;
      expect([file, validate(parse(text)), validate.errors ?? []]).toEqual([file, true, []]);
    }
  });

  it('overwrites nothing that exists, unless told to', async () => {
    const again = await run('init', repo, ...flags);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('already has README.md, .zeroops/config.yaml, services/payments.yaml');
    expect((await run('init', repo, ...flags, '--force')).code).toBe(0);
  });

  it('says what is wrong with an answer, and writes nothing', async () => {
    const target = join(dir, 'bad');
    const bad = await run('init', target, '--service', 'Payments API', '--datacenters', 'east,east', '--yes');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(
      "zeroops init: service 'Payments API': use lower-case letters, digits and dashes (like a Kubernetes name)",
    );
    expect(bad.stdout).toContain('zeroops init: datacenter names repeat');
    expect(existsSync(target)).toBe(false);
  });
});
