/**
 * What the patrol of a repository goes by: the default branch's approved state — its config (the
 * providers, the autonomy policy) and its services (their metrics and inspections). Never a branch's
 * unapproved files.
 */
import type { Forge } from '../forge/forge.js';
import type { KnownRepo, Store } from '../engine/store.js';
import type { Config, Service } from '../manifest/model.js';
import { policyBasis } from './policy-basis.js';

/** A repository the patrol watches, as ZeroOps learned it from its webhooks. */
export type PatrolRepo = KnownRepo;

export interface PatrolBasis {
  sha: string;
  config?: Config;
  services: Service[];
}

export async function patrolBasis(
  deps: { forge: Forge; store: Store; clock?: () => Date },
  repo: PatrolRepo,
): Promise<PatrolBasis> {
  const head = await deps.forge.branchSha(repo, repo.defaultBranch);
  if (!head) throw new Error(`${repo.owner}/${repo.repo} has no branch ${repo.defaultBranch}`);
  const ref = { ...repo, number: 0, headSha: head, baseSha: head, baseRef: repo.defaultBranch };
  const basis = await policyBasis(deps, ref);
  return { sha: basis.policySha, config: basis.policy, services: basis.approvedServices };
}
