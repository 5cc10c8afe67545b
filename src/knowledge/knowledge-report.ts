/**
 * The team's memory in figures: over a period, the most common causes of incidents, the
 * remediations that fixed them most often, the templates whose runs fail most, and the time to
 * recover. Pure: from case and incident records.
 */
import type { CaseRecord } from './case-record.js';
import type { IncidentRecord } from './incident-record.js';
import { countBy } from './count-by.js';

export interface KnowledgeReport {
  since: string;
  until: string;
  runs: { total: number; byStatus: Record<string, number> };
  causes: { cause: string; incidents: number }[];
  remediations: { option: string; tried: number; fixed: number }[];
  templates: { template: string; runs: number; failed: number }[];
  recovery: { resolved: number; medianSeconds?: number; worstSeconds?: number };
}

export function knowledgeReport(
  cases: readonly CaseRecord[],
  incidents: readonly IncidentRecord[],
  period: { since: Date; until: Date },
): KnowledgeReport {
  const within = (at?: string) =>
    at !== undefined && Date.parse(at) >= +period.since && Date.parse(at) <= +period.until;
  const runs = cases.filter((c) => within(c.finishedAt));
  const found = incidents.filter((i) => within(i.detectedAt));
  const remediations = new Map<string, { tried: number; fixed: number }>();
  for (const fix of found.flatMap((i) => i.fixes).filter((f) => f.status !== 'proposed' && f.status !== 'refused')) {
    const entry = remediations.get(fix.option) ?? { tried: 0, fixed: 0 };
    entry.tried++;
    if (fix.fixed) entry.fixed++;
    remediations.set(fix.option, entry);
  }
  const templates = new Map<string, { runs: number; failed: number }>();
  for (const run of runs.filter((c) => c.template)) {
    const entry = templates.get(run.template!) ?? { runs: 0, failed: 0 };
    entry.runs++;
    if (run.status === 'failed' || run.status === 'rolled_back') entry.failed++;
    templates.set(run.template!, entry);
  }
  const recoveries = found
    .flatMap((i) => (i.recoverySeconds === undefined ? [] : [i.recoverySeconds]))
    .sort((a, b) => a - b);
  return {
    since: period.since.toISOString(),
    until: period.until.toISOString(),
    runs: { total: runs.length, byStatus: countBy(runs.map((r) => r.status)) },
    causes: Object.entries(countBy(found.map((i) => i.cause)))
      .map(([cause, n]) => ({ cause, incidents: n }))
      .sort((a, b) => b.incidents - a.incidents || a.cause.localeCompare(b.cause)),
    remediations: [...remediations]
      .map(([option, r]) => ({ option, ...r }))
      .sort((a, b) => b.fixed / b.tried - a.fixed / a.tried || b.tried - a.tried),
    templates: [...templates]
      .map(([template, t]) => ({ template, ...t }))
      .sort((a, b) => b.failed / b.runs - a.failed / a.runs || b.runs - a.runs),
    recovery: {
      resolved: recoveries.length,
      ...(recoveries.length
        ? { medianSeconds: recoveries[Math.floor((recoveries.length - 1) / 2)], worstSeconds: recoveries.at(-1) }
        : {}),
    },
  };
}

export function renderKnowledgeReport(report: KnowledgeReport, scope: string): string {
  const day = (iso: string) => iso.slice(0, 10);
  const pct = (n: number, of: number) => `${Math.round((100 * n) / of)}%`;
  const statuses = Object.entries(report.runs.byStatus).map(([s, n]) => `${n} ${s.replace('_', ' ')}`);
  const lines = [
    `## ZeroOps knowledge report: ${scope}, ${day(report.since)} to ${day(report.until)}`,
    '',
    `**Runs finished:** ${report.runs.total}${statuses.length ? ` (${statuses.join(', ')})` : ''}. ` +
      `**Incidents:** ${report.causes.reduce((n, c) => n + c.incidents, 0)}, ` +
      `${report.recovery.resolved} resolved` +
      (report.recovery.medianSeconds !== undefined
        ? `; time to recover: median ${duration(report.recovery.medianSeconds)}, ` +
          `worst ${duration(report.recovery.worstSeconds!)}.`
        : '.'),
    '',
    '### Most common causes',
    ...(report.causes.length
      ? ['| Cause | Incidents |', '|---|---|', ...report.causes.map((c) => `| ${c.cause} | ${c.incidents} |`)]
      : ['No incidents in the period.']),
  ];
  if (report.causes.length > 1)
    lines.push(
      '',
      '```mermaid',
      'xychart-beta',
      '  title "Incidents by cause"',
      `  x-axis [${report.causes.map((c) => JSON.stringify(c.cause)).join(', ')}]`,
      `  y-axis "incidents" 0 --> ${Math.max(...report.causes.map((c) => c.incidents))}`,
      `  bar [${report.causes.map((c) => c.incidents).join(', ')}]`,
      '```',
    );
  lines.push(
    '',
    '### Most effective remediations',
    ...(report.remediations.length
      ? [
          '| Remediation | Tried | Fixed it | Success rate |',
          '|---|---|---|---|',
          ...report.remediations.map((r) => `| ${r.option} | ${r.tried} | ${r.fixed} | ${pct(r.fixed, r.tried)} |`),
        ]
      : ['No remediation ran in the period.']),
    '',
    '### Templates that fail most',
    ...(report.templates.length
      ? [
          '| Template | Runs | Failed or rolled back | Failure rate |',
          '|---|---|---|---|',
          ...report.templates.map((t) => `| ${t.template} | ${t.runs} | ${t.failed} | ${pct(t.failed, t.runs)} |`),
        ]
      : ['No run from a template finished in the period.']),
  );
  return lines.join('\n');
}

const duration = (seconds: number) =>
  seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${(seconds / 3600).toFixed(1)}h`;
