/** A real local git repository (simple-git) holding the double's branches, commits and files. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

export interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size: number;
}

export type FileChanges = Record<string, string | null>;

export class GitRepo {
  private readonly git: SimpleGit;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {
    this.git = simpleGit(dir);
  }

  static async create(dir: string, defaultBranch: string, files: FileChanges): Promise<{ repo: GitRepo; sha: string }> {
    mkdirSync(dir, { recursive: true });
    const repo = new GitRepo(dir);
    await repo.git.init(['-b', defaultBranch]);
    await repo.git
      .addConfig('user.name', 'ZeroOps Lab')
      .addConfig('user.email', 'lab@zeroops.invalid')
      .addConfig('commit.gpgsign', 'false');
    const sha = await repo.commit(defaultBranch, files, 'Initial commit', defaultBranch);
    return { repo, sha };
  }

  /**
   * Commit file changes (null deletes) on a branch, creating it from `from` if needed; `author` is a
   * login, written with the no-reply address GitHub ties to that account.
   */
  commit(branch: string, files: FileChanges, message: string, from?: string, author?: string): Promise<string> {
    return this.serial(async () => {
      const branches = await this.git.branchLocal();
      if (branches.all.includes(branch)) await this.git.checkout(branch);
      else if (from && branches.all.length > 0) await this.git.checkoutBranch(branch, from);
      for (const [path, text] of Object.entries(files)) {
        const file = join(this.dir, path);
        if (text === null) rmSync(file, { force: true });
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
      }
      await this.git.add(['-A']);
      const by: Record<string, string> = author ? { '--author': `${author} <${noReplyEmail(author)}>` } : {};
      await this.git.commit(message, undefined, { '--allow-empty': null, ...by });
      return (await this.git.revparse(['HEAD'])).trim();
    });
  }

  /** A merge commit of `branch` into `into`; returns its sha. */
  merge(branch: string, into: string, message: string): Promise<string> {
    return this.serial(async () => {
      await this.git.checkout(into);
      await this.git.merge(['--no-ff', '-m', message, branch]);
      return (await this.git.revparse(['HEAD'])).trim();
    });
  }

  /** The commit (or tree) a ref names; undefined when there is none. */
  resolve(ref: string, kind: 'commit' | 'tree' = 'commit'): Promise<string | undefined> {
    return this.serial(async () => {
      try {
        return (await this.git.revparse(['--verify', '--quiet', `${ref}^{${kind}}`])).trim() || undefined;
      } catch {
        return undefined;
      }
    });
  }

  tree(sha: string): Promise<TreeEntry[]> {
    return this.serial(async () => {
      const out = await this.git.raw(['ls-tree', '-r', '-l', '--full-tree', sha]);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const [mode, type, blob, size] = meta.split(/\s+/) as [string, string, string, string];
          return { path, mode, type, sha: blob, size: Number(size) };
        });
    });
  }

  blob(sha: string): Promise<Buffer | undefined> {
    return this.serial(async () => {
      try {
        return Buffer.from(await this.git.raw(['cat-file', 'blob', sha]));
      } catch {
        return undefined;
      }
    });
  }

  /** Paths that differ between two commits, with GitHub's status words. */
  changes(base: string, head: string): Promise<{ filename: string; status: string }[]> {
    return this.serial(async () => {
      const out = await this.git.raw(['diff', '--name-status', '--no-renames', `${base}...${head}`]);
      const words: Record<string, string> = { A: 'added', M: 'modified', D: 'removed' };
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [status, filename] = line.split('\t') as [string, string];
          return { filename, status: words[status[0]!] ?? 'changed' };
        });
    });
  }

  /** Run git commands of one's own, with no other command of the double in between. */
  exclusive<T>(work: (git: SimpleGit) => Promise<T>): Promise<T> {
    return this.serial(() => work(this.git));
  }

  /** Git commands share one working tree: run them one at a time. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** The address GitHub gives an account's commits (`<login>@users.noreply.github.com`), and back. */
export const noReplyEmail = (login: string) => `${login}@users.noreply.github.com`;
export const loginOfEmail = (email: string): string | undefined =>
  /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/.exec(email)?.[1];
