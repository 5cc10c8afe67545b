/** Use case: `/zeroops ask <question>` on an issue or pull request, answered from the case library. */
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import { answer, parseQuestion, renderAnswer } from '../knowledge/ask-records.js';
import { caseRecords, incidentRecords } from './case-library.js';

export async function askQuestion(
  deps: { store: Store; clock: () => Date },
  repo: RepoRef,
  question: string,
): Promise<string> {
  const parsed = parseQuestion(question);
  const found = answer(
    parsed,
    await caseRecords(deps.store, repo),
    await incidentRecords(deps.store, repo),
    deps.clock(),
  );
  return renderAnswer(found);
}
