/**
 * Use case: an incident's issue was closed (by a person, or by the policy once resolved). The
 * incident ends — the same failure later is a new one — and, for an incident the patrol filed (or a
 * failover the datacenter watch resolved), a postmortem is drafted from its record and event chain
 * and proposed as a pull request adding
 * `postmortems/<date>-<slug>.md`, reviewed like everything else.
 */
import type { Incident, Store } from '../engine/store.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import type { PatrolIncident } from '../knowledge/patrol-incident.js';
import { draftPostmortem, type PostmortemInput } from '../knowledge/postmortem.js';
import type { Log, Notifier } from './ports.js';
import { noticeIncidentResolved } from './notify-incidents.js';
import { record } from './patrol-incidents.js';
import { repoKey } from './record-keys.js';
import type { OpenEpisode } from './failover-incidents.js';
import { failoverEpisodeKey } from './run-datacenter-watch.js';
import { failoverPostmortemInput } from '../knowledge/failover-postmortem.js';
import { proposeTemplates } from './propose-templates.js';

export interface ClosedDeps {
  forge: Forge;
  store: Store;
  clock: () => Date;
  log: Log;
  notifier?: Notifier;
}

export async function incidentClosed(
  deps: ClosedDeps,
  repo: RepoRef,
  issueNumber: number,
  closedBy: string,
): Promise<void> {
  const id = `${repoKey(repo)}#${issueNumber}`;
  const incident = await deps.store.incident(id);
  await deps.store.closeIncident(id);
  await noticeIncidentResolved(deps, repo, issueNumber, `The issue was closed by @${closedBy}.`);
  if (await deps.store.checkpoint(`postmortem/${id}`)) return;
  const now = deps.clock().toISOString();
  const episode = await deps.store.checkpoint<OpenEpisode>(failoverEpisodeKey(repo, issueNumber));
  if (!incident?.patrol && !episode) return;
  const timeline = (await deps.store.events(`incident/${id}`)).map((e) => ({
    at: e.at,
    what: String(e.data.what ?? e.type),
    by: e.actor,
  }));
  const draft = draftPostmortem(
    incident?.patrol
      ? postmortemInput(incident, incident.patrol, timeline, now, closedBy)
      : failoverPostmortemInput(episode!, repoKey(repo), { at: now, by: closedBy }),
  );
  const pull = await deps.forge.proposeChange(repo, {
    branch: `zeroops/postmortem-${issueNumber}`,
    title: draft.prTitle,
    body: draft.prBody,
    files: { [draft.path]: draft.markdown },
  });
  await deps.store.saveCheckpoint(`postmortem/${id}`, { pull: pull.number, path: draft.path });
  if (incident)
    await record(
      deps,
      { ...incident, state: 'closed' },
      'postmortem-proposed',
      `postmortem drafted as #${pull.number} (${draft.path})`,
    );
  await deps.forge.comment(
    repo,
    issueNumber,
    `📝 A postmortem is drafted in #${pull.number} (\`${draft.path}\`): review and complete it like any change.`,
  );
  deps.log.info({ issue: issueNumber, pull: pull.number }, 'postmortem proposed');
  // A remediation that has now fixed this service's incidents again and again may become a template.
  if (incident?.patrol)
    await proposeTemplates(deps, repo).catch((error: Error) =>
      deps.log.warn({ issue: issueNumber, err: error.message }, 'template proposals could not be made'),
    );
}

function postmortemInput(
  incident: Incident,
  patrol: PatrolIncident,
  timeline: { at: string; what: string; by: string }[],
  closedAt: string,
  closedBy: string,
): PostmortemInput {
  const { cause } = patrol;
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  const startedAt = cause.onset ? iso(cause.onset) : patrol.detectedAt;
  const verified = patrol.remediations.find((r) => r.verdict?.fixed);
  return {
    repo: incident.repo,
    issueNumber: incident.issueNumber,
    title: cause.headline ?? cause.title,
    service: patrol.service,
    env: patrol.env,
    cause: {
      class: cause.class,
      title: cause.title,
      summary: patrol.prose.summary,
      evidence: cause.evidence.map((e) => e.text),
      ruledOut: cause.ruledOut,
    },
    ...(cause.trigger
      ? {
          trigger: {
            description: cause.trigger.summary,
            runId: cause.trigger.runId,
            pullNumber: cause.trigger.pullNumber,
            at: startedAt,
          },
        }
      : {}),
    severity: patrol.severity,
    detection: {
      how: `the patrol's inspection ${patrol.inspection}, before anyone was paged`,
      at: patrol.detectedAt,
      inspection: patrol.inspection,
    },
    impact: {
      startedAt,
      ...(patrol.resolvedAt ? { resolvedAt: patrol.resolvedAt } : {}),
      summary: patrol.diagnosis.severityWhy,
      affected: cause.affected ?? [],
    },
    resolution: {
      actions: patrol.remediations.map((r) => ({
        at: r.at,
        what: r.option,
        by: r.by,
        outcome: r.verdict?.text ?? r.status,
      })),
      ...(verified?.verdict ? { verified: verified.verdict.text } : {}),
    },
    timeline,
    closedAt,
    closedBy,
  };
}
