/**
 * What a pull request is judged by: the default branch's last approved state (its policy and its
 * owners), the approved state of the branch it merges into (governed changes are measured from
 * there), and whether a merge into that branch executes at all. Never the pull request's own files,
 * and never a branch's files merely because someone merged them there.
 */
import type { Forge, PullRequestRef, RepoRef, TreeEntry } from '../forge/forge.js';
import { loadDocuments } from '../manifest/load.js';
import { opsRepoLayout, type Config, type Service } from '../manifest/model.js';
import type { Store } from '../engine/store.js';
import { repoKey } from './record-keys.js';

export interface PolicyBasis {
  /** The default branch's last approved commit: the policy and the owners come from it. */
  policySha: string;
  /** The last approved commit of the base branch: governed changes are what differs from it. */
  approvedSha: string;
  approvedTree: TreeEntry[];
  policy?: Config;
  policyText?: string;
  approvedServices: Service[];
  executes: boolean;
  /** Why a merge into the base branch executes, or does not. */
  executesBecause: string;
}

export const approvedStateId = (repo: RepoRef, branch: string) => `${repoKey(repo)}@${branch}`;

export async function policyBasis(
  deps: { forge: Forge; store?: Store; clock?: () => Date },
  pr: PullRequestRef,
): Promise<PolicyBasis> {
  const policySha = await approvedSha(deps, pr, pr.defaultBranch);
  const policyTree = await deps.forge.listTree(pr, policySha);
  const read = (entry: TreeEntry) => deps.forge.readBlob(pr, entry);
  const configEntry = policyTree.find((e) => e.path === opsRepoLayout.config);
  const policyText = configEntry ? await read(configEntry) : undefined;
  const serviceEntries = policyTree.filter((e) => e.path.startsWith(opsRepoLayout.services) && /\.ya?ml$/.test(e.path));
  const loaded = loadDocuments([
    ...(policyText === undefined ? [] : [{ path: opsRepoLayout.config, text: policyText }]),
    ...(await Promise.all(serviceEntries.map(async (e) => ({ path: e.path, text: await read(e) })))),
  ]);
  const policy = loaded.configs[0]?.manifest;
  const executes = executesOn(pr.baseRef, pr.defaultBranch, policy);
  const baseApproved =
    pr.baseRef === pr.defaultBranch || !executes.yes ? policySha : await approvedSha(deps, pr, pr.baseRef, policySha);
  return {
    policySha,
    approvedSha: baseApproved,
    approvedTree: baseApproved === policySha ? policyTree : await deps.forge.listTree(pr, baseApproved),
    policy,
    policyText,
    approvedServices: loaded.services.map((s) => s.manifest),
    executes: executes.yes,
    executesBecause: executes.because,
  };
}

/**
 * A branch's approved commit from the store. The first time ZeroOps sees a repository, the default
 * branch as it is then (the pull request's base) is taken as approved: that is what was installed.
 */
async function approvedSha(
  deps: { forge: Forge; store?: Store; clock?: () => Date },
  pr: PullRequestRef,
  branch: string,
  fallback?: string,
): Promise<string> {
  const id = approvedStateId(pr, branch);
  const known = await deps.store?.approvedState(id);
  if (known) return known.sha;
  if (fallback) return fallback;
  const sha = pr.baseRef === branch ? pr.baseSha : await deps.forge.branchSha(pr, branch);
  if (!sha) throw new Error(`the default branch ${branch} of ${repoKey(pr)} does not exist`);
  await deps.store?.saveApprovedState(
    { id, sha, by: 'first seen', at: (deps.clock?.() ?? new Date()).toISOString() },
    { onlyIfNone: true },
  );
  return (await deps.store?.approvedState(id))?.sha ?? sha;
}

/** Only the default branch executes, and the branches its approved config lists in spec.executeOn. */
export function executesOn(
  baseRef: string,
  defaultBranch: string,
  policy: Config | undefined,
): { yes: boolean; because: string } {
  if (baseRef === defaultBranch) return { yes: true, because: `\`${baseRef}\` is the default branch` };
  const pattern = (policy?.spec.executeOn ?? []).find((p) => branchPattern(p).test(baseRef));
  if (pattern) return { yes: true, because: `\`${defaultBranch}\`'s config lists \`${pattern}\` in spec.executeOn` };
  return {
    yes: false,
    because: `\`${baseRef}\` is not the default branch \`${defaultBranch}\` and \`${defaultBranch}\`'s config does not list it in spec.executeOn, so merging into it executes nothing`,
  };
}

/** `release/*` matches `release/1.2`, not `release/1/2`; `**` matches across slashes. */
function branchPattern(glob: string): RegExp {
  const part = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**').map(part).join('.*')}$`);
}
