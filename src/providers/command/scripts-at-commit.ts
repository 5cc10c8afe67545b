/**
 * The ops repo's `scripts/` folder as it was at a commit, on disk: a run executes the scripts that
 * were reviewed and merged with its task, not whatever a checkout holds now. Each commit's folder
 * is written once (into a temporary folder, then renamed into place), so retries and concurrent
 * workers share it; only the most recent `keep` commits per repository are kept.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Forge, RepoRef } from '../../forge/forge.js';

export const scriptsFolder = 'scripts/';

export type ScriptSource = Pick<Forge, 'listTree' | 'readBlob'>;

/** `R`: the repository reference the forge needs (GitHub's carries the app installation). */
export class ScriptsAtCommit<R extends RepoRef = RepoRef> {
  constructor(
    private readonly root: string,
    private readonly sourceFor: (repo: R) => Promise<ScriptSource>,
    private readonly keep = 20,
  ) {}

  /** The folder holding `scripts/` of `repo` at `sha`; the working directory its scripts run in. */
  async folder(repo: R, sha: string): Promise<string> {
    const repoDir = join(this.root, `${repo.owner}_${repo.repo}`);
    const dir = join(repoDir, sha);
    if (existsSync(dir)) return dir;
    await mkdir(repoDir, { recursive: true });
    const partial = await mkdtemp(join(repoDir, `.${sha}-`));
    try {
      const source = await this.sourceFor(repo);
      const entries = (await source.listTree(repo, sha)).filter((e) => e.path.startsWith(scriptsFolder));
      for (const entry of entries) {
        const path = resolve(partial, entry.path);
        if (!path.startsWith(partial + sep))
          throw new Error(`refusing script path ${entry.path}: it leaves the scripts folder`);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, await source.readBlob(repo, entry));
        // Everything in scripts/ is there to be run; a forgotten executable bit should not fail a run.
        await chmod(path, 0o700);
      }
      await rename(partial, dir);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      // Another worker may have put the same commit's folder in place first.
      if (!existsSync(dir)) throw error;
    }
    await this.prune(repoDir);
    return dir;
  }

  private async prune(repoDir: string): Promise<void> {
    const folders = (await readdir(repoDir)).filter((name) => !name.startsWith('.'));
    if (folders.length <= this.keep) return;
    const ages = await Promise.all(
      folders.map(async (name) => ({ name, mtime: (await stat(join(repoDir, name))).mtimeMs })),
    );
    ages.sort((a, b) => b.mtime - a.mtime);
    for (const { name } of ages.slice(this.keep)) await rm(join(repoDir, name), { recursive: true, force: true });
  }
}
