/**
 * The quiet side of the patrol. An incident whose inspection finds nothing any more is resolved
 * once that has lasted `incidents.resolvedAfter` (and closed, when `incidents.closeWhenResolved`);
 * it fires again, it is unresolved. A Prometheus that does not answer is a monitoring-gap notice of
 * its own — never an incident about a service — closed when Prometheus answers again.
 */
import type { Cause } from '../diagnose/cause.js';
import type { Incident } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import type { Config } from '../manifest/model.js';
import { parseDuration } from '../manifest/units.js';
import { publish, record, repoOf, type IncidentDeps } from './patrol-incidents.js';
import { noticeIncidentResolved } from './notify-incidents.js';
import { repoKey } from './record-keys.js';

const gapFingerprint = (repo: RepoRef) => `gap|${repoKey(repo)}`;

export async function quietNow(
  deps: IncidentDeps,
  repo: RepoRef,
  service: string,
  inspection: string,
  config: Config | undefined,
): Promise<void> {
  await endGap(deps, repo);
  const now = deps.clock();
  const resolvedAfter = (parseDuration(config?.spec.incidents?.resolvedAfter ?? '15m') ?? 900) * 1000;
  const open = (await deps.store.openIncidents(repoKey(repo))).filter(
    (i) => i.patrol?.service === service && i.patrol.inspection === inspection,
  );
  for (const incident of open) {
    const patrol = incident.patrol!;
    if (!patrol.quietSince) {
      await record(
        deps,
        { ...incident, patrol: { ...patrol, quietSince: now.toISOString() } },
        'signal-quiet',
        `${inspection} finds nothing any more`,
      );
      continue;
    }
    if (patrol.resolvedAt || now.getTime() - Date.parse(patrol.quietSince) < resolvedAfter) continue;
    const resolved: Incident = { ...incident, patrol: { ...patrol, resolvedAt: now.toISOString() } };
    await record(deps, resolved, 'incident-resolved', `back to normal since ${patrol.quietSince}`);
    await noticeIncidentResolved(
      deps,
      repoOf(incident),
      incident.issueNumber,
      `Back to normal since ${patrol.quietSince}.`,
    );
    await publish(deps, resolved, config);
    if (config?.spec.incidents?.closeWhenResolved) {
      await deps.forge.comment(
        repoOf(incident),
        incident.issueNumber,
        'Resolved: the signal has been normal long enough, and the policy closes resolved incidents.',
      );
      await deps.forge.updateIssue(repoOf(incident), incident.issueNumber, { state: 'closed' });
      await deps.store.closeIncident(incident.id);
    }
  }
}

export async function noticeGap(deps: IncidentDeps, repo: RepoRef, service: string, cause: Cause): Promise<void> {
  const open = await deps.store.openIncident(gapFingerprint(repo));
  const what = cause.evidence.map((e) => `- ${e.text}`).join('\n');
  if (open) return;
  const issueNumber = await deps.forge.createIssue(repo, {
    title: `Monitoring gap: ZeroOps cannot read the metrics of ${service}`,
    body: [
      'ZeroOps could not read what it needs to watch the services of this repository:',
      '',
      what,
      '',
      'Nothing is known to be wrong with the services themselves: this is not an incident about them.',
      'While the gap lasts, inspections find nothing and gates pause runs instead of judging them.',
      'ZeroOps closes this notice when the metrics answer again.',
    ].join('\n'),
    labels: ['zeroops', 'monitoring-gap'],
  });
  await deps.store.saveIncident({
    id: `${repoKey(repo)}#${issueNumber}`,
    fingerprint: gapFingerprint(repo),
    repo: repoKey(repo),
    issueNumber,
    state: 'open',
    runIds: [],
    createdAt: deps.clock().toISOString(),
  });
  deps.log.warn({ repo: repoKey(repo), issue: issueNumber }, 'monitoring gap');
}

async function endGap(deps: IncidentDeps, repo: RepoRef): Promise<void> {
  const gap = await deps.store.openIncident(gapFingerprint(repo));
  if (!gap) return;
  await deps.forge.comment(repo, gap.issueNumber, 'The metrics answer again: closing this notice.');
  await deps.forge.updateIssue(repo, gap.issueNumber, { state: 'closed' });
  await deps.store.closeIncident(gap.id);
}
