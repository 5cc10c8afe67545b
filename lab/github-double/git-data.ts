/**
 * GitHub's git data API on the double's real repository: trees written from a base tree (as
 * GitHub does, through a scratch index), commits of a tree, and refs moved as GitHub allows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitRepo } from './git-repo.js';

/** A request GitHub would refuse with 422 and this message. */
export class Unprocessable extends Error {}

interface TreeWrite {
  path: string;
  mode?: string;
  type?: string;
  sha?: string | null;
  content?: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

export function writeTree(repo: GitRepo, base: string | undefined, entries: TreeWrite[]): Promise<string> {
  for (const entry of entries) {
    if (entry.type && entry.type !== 'blob') throw new Error(`the double writes blobs only, not a ${entry.type}`);
    const sources = Number(entry.sha != null) + Number(entry.content !== undefined);
    if (entry.sha !== null && sources !== 1)
      throw new Unprocessable(
        'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
      );
  }
  return repo.exclusive(async (git) => {
    const scratch = mkdtempSync(join(tmpdir(), 'zeroops-double-tree-'));
    const index = gitWith(repo, { GIT_INDEX_FILE: join(scratch, 'index') });
    try {
      if (base && !(await exists(git, `${base}^{tree}`))) throw new Unprocessable('base_tree is not a valid tree');
      await index.raw(base ? ['read-tree', base] : ['read-tree', '--empty']);
      const deleted = entries.filter((e) => e.sha === null).map((e) => e.path);
      await mustExist(index, deleted);
      const written = await withBlobs(
        index,
        scratch,
        entries.filter((e) => e.sha !== null),
      );
      const args = [
        ...written.flatMap((e) => ['--cacheinfo', `${e.mode ?? '100644'},${e.sha},${e.path}`]),
        ...(deleted.length > 0 ? ['--force-remove', '--', ...deleted] : []),
      ];
      if (args.length > 0) await index.raw(['update-index', '--add', ...args]);
      return (await index.raw(['write-tree'])).trim();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}

/** As GitHub: deleting a file that is not there is an error. */
async function mustExist(index: SimpleGit, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  const present = new Set((await index.raw(['ls-files', '-z', '--', ...paths])).split('\0'));
  const missing = paths.find((p) => !present.has(p));
  if (missing) throw new Unprocessable(`tree.path ${missing} does not exist to delete`);
}

/** The entries with their content written as blobs (one git process for them all). */
async function withBlobs(git: SimpleGit, scratch: string, entries: TreeWrite[]): Promise<TreeWrite[]> {
  const texts = entries.filter((e) => e.content !== undefined);
  if (texts.length === 0) return entries;
  const files = texts.map((e, i) => {
    const file = join(scratch, `blob-${i}`);
    writeFileSync(file, e.content!);
    return file;
  });
  const shas = (await git.raw(['hash-object', '-w', '--no-filters', ...files])).trim().split('\n');
  return entries.map((e) => (e.content === undefined ? e : { ...e, sha: shas[texts.indexOf(e)]! }));
}

export function commitTree(
  repo: GitRepo,
  commit: { tree: string; parents: string[]; message: string; author: { name: string; email: string } },
): Promise<string> {
  return repo.exclusive(async (git) => {
    if (!(await exists(git, `${commit.tree}^{tree}`))) throw new Unprocessable('Tree SHA does not exist');
    for (const parent of commit.parents)
      if (!(await exists(git, `${parent}^{commit}`)))
        throw new Unprocessable('Parent SHA does not exist or is not a commit object');
    const { name, email } = commit.author;
    const who = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    const args = ['commit-tree', commit.tree, ...commit.parents.flatMap((p) => ['-p', p]), '-m', commit.message];
    return (await gitWith(repo, who).raw(args)).trim();
  });
}

/** The commit a sha or ref names; undefined when it names none. */
export function commitInfo(repo: GitRepo, rev: string): Promise<CommitInfo | undefined> {
  return repo.exclusive(async (git) => {
    // Git complains of a sha that names no commit, which simple-git turns into a rejection.
    const out = await git.raw(['log', '-1', commitFormat, `${rev}^{commit}`]).catch(() => '');
    return parseCommits(out)[0];
  });
}

/** One record per commit (ended by 0x1e), its fields split by NUL; the message last, as it may hold anything else. */
const commitFormat = '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e';

function parseCommits(out: string): CommitInfo[] {
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [sha, tree, parents, an, ae, ad, cn, ce, cd, message] = record.split('\0') as string[];
      return {
        sha: sha!,
        tree: tree!,
        parents: parents!.split(' ').filter(Boolean),
        message: message!.replace(/\n$/, ''),
        author: { name: an!, email: ae!, date: ad! },
        committer: { name: cn!, email: ce!, date: cd! },
      };
    });
}

/** Point `ref` at `sha`: a new ref must not exist yet; an existing one moves by fast-forward unless forced. */
export function setRef(repo: GitRepo, ref: string, sha: string, how: { create: true } | { force: boolean }) {
  return repo.exclusive(async (git) => {
    if (!/^refs\/[^/]+\/.+/.test(ref) || !(await valid(git, ref)))
      throw new Unprocessable(`${ref} is not a valid ref name`);
    if (!(await exists(git, `${sha}^{commit}`))) throw new Unprocessable('Object does not exist');
    const current = await revParse(git, ref);
    if ('create' in how && current) throw new Unprocessable('Reference already exists');
    if (!('create' in how) && !current) throw new Unprocessable('Reference does not exist');
    if ('force' in how && !how.force && !(await isAncestor(git, current!, sha)))
      throw new Unprocessable('Update is not a fast forward');
    await git.raw(['update-ref', ref, sha, current ?? '']);
    // The working tree holds the branch checked out last: keep it in step, or the next scripted commit would undo this.
    const head = await git.raw(['symbolic-ref', '-q', 'HEAD']).catch(() => '');
    if (head.trim() === ref) await git.raw(['reset', '--hard', '-q']);
  });
}

/** Git with a few variables of its own; simple-git refuses an environment with EDITOR and the like in it. */
const gitWith = (repo: GitRepo, vars: Record<string, string>) =>
  simpleGit(repo.dir).env({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars });

const revParse = (git: SimpleGit, rev: string) =>
  git.raw(['rev-parse', '--verify', '--quiet', rev]).then(
    (out) => out.trim() || undefined,
    () => undefined,
  );

const exists = async (git: SimpleGit, rev: string) => (await revParse(git, rev)) !== undefined;

// simple-git resolves a failing command that prints nothing: these ask for output to judge by.
const valid = (git: SimpleGit, ref: string) =>
  git.raw(['check-ref-format', '--normalize', ref]).then(
    (out) => out.trim() !== '',
    () => false,
  );

const isAncestor = (git: SimpleGit, ancestor: string, of: string) =>
  git.raw(['rev-list', '--count', `${of}..${ancestor}`]).then(
    (out) => out.trim() === '0',
    () => false,
  );

/** How many commits `head` has that `base` has not. */
export function commitsBetween(repo: GitRepo, base: string, head: string): Promise<number> {
  return repo.exclusive(async (git) => Number((await git.raw(['rev-list', '--count', `${base}..${head}`])).trim()));
}

/** The commits `head` has that `base` has not, oldest first (as GitHub lists a pull request's). */
export function commitsOfRange(repo: GitRepo, base: string, head: string): Promise<CommitInfo[]> {
  return repo.exclusive(async (git) =>
    parseCommits(await git.raw(['log', '--reverse', commitFormat, `${base}..${head}`])),
  );
}
