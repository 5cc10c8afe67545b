/** The case library of a repository, read from the store: its runs and its incidents as records. */
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import { caseRecordOf, type CaseRecord } from '../knowledge/case-record.js';
import { incidentRecordOf, type IncidentRecord } from '../knowledge/incident-record.js';
import { repoKey } from './record-keys.js';

/** The repository's runs as case records (the store filters by name; the owner is checked here). */
export async function caseRecords(store: Store, repo: RepoRef): Promise<CaseRecord[]> {
  const runs = await store.runs({ repo: repo.repo });
  return runs.filter((r) => r.repo.owner === repo.owner).map(caseRecordOf);
}

export async function incidentRecords(store: Store, repo: RepoRef): Promise<IncidentRecord[]> {
  return (await store.incidents(repoKey(repo))).map(incidentRecordOf);
}
