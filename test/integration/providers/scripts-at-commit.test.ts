/** A run's scripts come from its merge commit: written once per commit, executable, shared, pruned. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeEntry } from '../../../src/forge/forge.js';
import { ScriptsAtCommit, type ScriptSource } from '../../../src/providers/command/scripts-at-commit.js';

const repo = { owner: 'acme', repo: 'ops' };
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'scripts-at-commit-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A repository whose every commit holds the given files; counts what is read. */
function source(files: (sha: string) => Record<string, string>) {
  const reads = { trees: 0, blobs: 0 };
  const forge: ScriptSource = {
    async listTree(_repo, sha) {
      reads.trees++;
      return Object.keys(files(sha)).map((path): TreeEntry => ({ path, id: `${sha}:${path}` }));
    },
    async readBlob(_repo, entry) {
      reads.blobs++;
      const [sha, path] = entry.id.split(/:(.*)/s) as [string, string];
      return files(sha)[path]!;
    },
  };
  return { forge, reads };
}

const script = (sha: string) => ({
  'scripts/hello.sh': `#!/bin/sh\necho "hello from ${sha} $*"\n`,
  'scripts/lib/names.txt': 'a b\n',
  'services/checkout.yaml': 'kind: Service\n',
});

describe('ScriptsAtCommit', () => {
  it("writes the commit's scripts/ folder, and only it, where its scripts run as they were merged", async () => {
    const { forge } = source(script);
    const dir = await new ScriptsAtCommit(root, async () => forge).folder(repo, 'c1');
    expect(execFileSync('scripts/hello.sh', ['x'], { cwd: dir, encoding: 'utf8' })).toBe('hello from c1 x\n');
    expect(readFileSync(join(dir, 'scripts/lib/names.txt'), 'utf8')).toBe('a b\n');
    expect(existsSync(join(dir, 'services'))).toBe(false);
    expect(statSync(join(dir, 'scripts/lib/names.txt')).mode & 0o777).toBe(0o700);
  });

  it('gives concurrent callers one folder, and reads a commit no more once it is in place', async () => {
    const { forge, reads } = source(script);
    const scripts = new ScriptsAtCommit(root, async () => forge);
    const dirs = await Promise.all(Array.from({ length: 5 }, () => scripts.folder(repo, 'c1')));
    expect(new Set(dirs).size).toBe(1);
    await scripts.folder(repo, 'c1');
    expect(reads.trees).toBeLessThanOrEqual(5);
    const afterwards = reads.trees;
    await scripts.folder(repo, 'c1');
    expect(reads.trees).toBe(afterwards);
    expect(readdirSync(join(root, 'acme_ops'))).toEqual(['c1']);
  });

  it('keeps different commits apart and only the most recent ones', async () => {
    const { forge } = source(script);
    const scripts = new ScriptsAtCommit(root, async () => forge, 2);
    for (const sha of ['c1', 'c2', 'c3']) {
      await scripts.folder(repo, sha);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(join(root, 'acme_ops')).sort()).toEqual(['c2', 'c3']);
    expect(execFileSync('scripts/hello.sh', [], { cwd: join(root, 'acme_ops', 'c2'), encoding: 'utf8' })).toBe(
      'hello from c2 \n',
    );
  });

  it('refuses a path that leaves the folder and leaves nothing half-written', async () => {
    const { forge } = source(() => ({ 'scripts/../../escape.sh': 'echo no\n' }));
    await expect(new ScriptsAtCommit(root, async () => forge).folder(repo, 'bad')).rejects.toThrow(
      'refusing script path scripts/../../escape.sh',
    );
    expect(readdirSync(join(root, 'acme_ops'))).toEqual([]);
    expect(existsSync(join(root, 'escape.sh'))).toBe(false);
  });
});
