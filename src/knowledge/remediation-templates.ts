/**
 * Templates from remediations that worked: when ZeroOps' own remediation of one kind fixed the
 * incidents of a service again and again, the way it ran becomes a proposed template, so people
 * can pin it in the service's inspections (`remediate:`) and tune its gates in one reviewed place.
 * Pure: from incident records to proposals.
 */
import type { Cause, RemediationId } from '../diagnose/cause.js';
import type { LoadedDocuments } from '../manifest/load.js';
import { nameOf } from '../manifest/name-of.js';
import { kindOf, remediationWork } from '../patrol/remediation-task.js';
import type { IncidentRecord } from './incident-record.js';
import { parse } from 'yaml';
import { firstVersion, type TemplateProposal } from './template-proposals.js';

/** How many incidents a remediation must have fixed before its way is worth a template. */
export const enoughFixes = 2;

/** Remediations ZeroOps runs as a task of its own making (a rollback reverts a run; scaling out is not run). */
const asTasks: RemediationId[] = ['rolling-restart', 'restart-instance', 'drain-datacenter'];

/** Fields that say what one remediation acted on and why, never how: they stay out of the template. */
const perIncident = ['instances', 'weights', 'reason', 'template'];

export function remediationTemplateProposals(
  incidents: readonly IncidentRecord[],
  repo: LoadedDocuments,
): TemplateProposal[] {
  const byOption = new Map<string, { option: RemediationId; service: string; incidents: IncidentRecord[] }>();
  for (const incident of incidents) {
    const service = incident.service;
    if (!service) continue;
    for (const { option } of incident.fixes.filter((f) => f.fixed && asTasks.includes(f.option as RemediationId))) {
      const key = `${option}/${service}`;
      const entry = byOption.get(key) ?? { option: option as RemediationId, service, incidents: [] };
      if (!entry.incidents.includes(incident)) entry.incidents.push(incident);
      byOption.set(key, entry);
    }
  }
  return [...byOption.values()].flatMap(({ option, service, incidents: fixedOnes }) => {
    const name = nameOf(`${option}-${service}`);
    if (fixedOnes.length < enoughFixes || repo.templates.some((t) => t.manifest.metadata.name === name)) return [];
    const defaults = howItRuns(option, service);
    if (!defaults) return [];
    const kind = kindOf(option);
    const issues = fixedOnes.map((i) => `#${i.issueNumber}`).join(', ');
    return [
      firstVersion({
        name,
        kind,
        description: `${option} of ${service}, as it fixed ${fixedOnes.length} incidents`,
        versionDescription: `Fixed ${issues}`,
        defaults,
        why:
          `ZeroOps' ${option} fixed ${fixedOnes.length} incidents of ${service} (${issues}); as a template, ` +
          `the service's inspections can name it (\`remediate: ${name}@1\`) and its gates be tuned in one place`,
        identity: JSON.stringify({ option, service, defaults }),
      }),
    ];
  });
}

/** The settings the patrol's remediation task of this kind runs with, without what one incident fills in. */
function howItRuns(option: RemediationId, service: string): Record<string, unknown> | undefined {
  const cause = {
    class: 'unexplained',
    title: 'a template',
    where: { dc: 'any', instance: 'any' },
    affected: ['any'],
  } as unknown as Cause;
  const work = remediationWork({ id: option, title: '', why: '' }, cause, {
    service,
    env: 'any',
    incident: 0,
    attempt: 0,
  });
  if (work.kind !== 'task') return undefined;
  const spec = { ...(parse(work.text) as { spec: Record<string, unknown> }).spec };
  for (const field of perIncident) delete spec[field];
  return Object.keys(spec).length ? spec : undefined;
}
