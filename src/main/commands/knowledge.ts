/** `zeroops knowledge report [owner/repo...] [--since 90d]`: the case library in figures, as Markdown. */
import { caseRecords, incidentRecords } from '../../app/case-library.js';
import { knowledgeReport, renderKnowledgeReport } from '../../knowledge/knowledge-report.js';
import { parseDuration } from '../../manifest/units.js';
import { openStore, storeName } from '../../store/open-store.js';
import type { WorkerSettings } from '../settings.js';

export async function knowledgeReportCommand(
  storage: WorkerSettings,
  repos: string[],
  since: string,
  out: (line: string) => void,
  now = new Date(),
): Promise<number> {
  const seconds = parseDuration(since);
  if (seconds === undefined || seconds < 86_400) {
    // `3m` is three minutes in the task language: a report over less than a day is a typo, not a wish.
    out(`zeroops: --since ${since} is not a period of a day or more: write e.g. 30d, 12w or 2160h`);
    return 2;
  }
  const malformed = repos.filter((r) => !/^[\w.-]+\/[\w.-]+$/.test(r));
  if (malformed.length) {
    out(`zeroops: ${malformed.join(', ')}: name repositories as owner/name, e.g. acme/ops`);
    return 2;
  }
  const store = await openStore(storage);
  try {
    const known = repos.length
      ? repos.map((r) => ({ owner: r.split('/')[0]!, repo: r.split('/')[1]! }))
      : (await store.repos()).map(({ owner, repo }) => ({ owner, repo }));
    if (known.length === 0) {
      out(`no repository in ${storeName(storage)} yet: ZeroOps learns them from their webhooks`);
      return 0;
    }
    const period = { since: new Date(+now - seconds * 1000), until: now };
    for (const repo of known) {
      const report = knowledgeReport(await caseRecords(store, repo), await incidentRecords(store, repo), period);
      out(renderKnowledgeReport(report, `${repo.owner}/${repo.repo}`));
      out('');
    }
    return 0;
  } finally {
    await store.close();
  }
}
