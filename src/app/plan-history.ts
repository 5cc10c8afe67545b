/** Use case helper: the case records of a repository's runs, for the plan's "what history says". */
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import { caseRecordOf, type CaseRecord } from '../knowledge/case-record.js';

/** The repository's runs as case records (the store filters by name; the owner is checked here). */
export async function caseRecords(store: Store, repo: RepoRef): Promise<CaseRecord[]> {
  const runs = await store.runs({ repo: repo.repo });
  return runs.filter((r) => r.repo.owner === repo.owner).map(caseRecordOf);
}
