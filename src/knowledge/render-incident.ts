/**
 * An incident the patrol found, as its GitHub issue: a title with the numbers, labels, and a body
 * a person reads top-down — what is happening (prose), the curve, where the goroutines are, the
 * evidence, what was ruled out, the options ranked with what ZeroOps may do alone, what was found
 * normal, and the timeline. Regenerated in place as the incident evolves. Pure.
 */
import type { Cause } from '../diagnose/cause.js';
import type { Growth } from '../diagnose/goroutine-profile.js';
import { formatBytes } from '../diagnose/words.js';
import { cell, code } from '../plan/markdown.js';
import type { Autonomy } from '../policy/autonomy.js';
import { mermaidChart } from './chart.js';
import type { IncidentRecord } from './incident-record.js';
import type { PatrolIncident } from './patrol-incident.js';

export interface IncidentView {
  incident: PatrolIncident;
  /** The level the policy allows for each option of the top cause. */
  levels: Record<string, Autonomy>;
  timeline: { at: string; what: string; by: string }[];
  /** Past incidents of the same service and cause, and what fixed them. */
  similar?: IncidentRecord[];
}

export const incidentTitle = (incident: PatrolIncident) =>
  `${incident.resolvedAt ? '[resolved] ' : ''}${incident.cause.headline ?? incident.cause.title}`.slice(0, 250);

export function incidentLabels(incident: PatrolIncident): string[] {
  return [
    'zeroops',
    'incident',
    `severity:${incident.severity}`,
    `service:${incident.service}`,
    `class:${incident.cause.class}`,
    ...(incident.resolvedAt ? ['resolved'] : []),
  ];
}

export function incidentBody(view: IncidentView): string {
  const { incident } = view;
  const { cause } = incident;
  return [
    `**${incident.prose.summary}**`,
    '',
    incident.prose.explanation,
    '',
    `| Severity | Service | Cause | Confidence | Detected by |`,
    `|---|---|---|---|---|`,
    `| ${incident.severity}${incident.escalated ? ' (escalated)' : ''} — ${cell(incident.diagnosis.severityWhy)} | ${cell(incident.service)} (${cell(incident.env)}) | ${cell(cause.class)} | ${Math.round(cause.confidence * 100)}% | inspection ${code(incident.inspection)} at ${incident.detectedAt} |`,
    '',
    '### The curve',
    '',
    mermaidChart(incident.chart) || '_not enough points for a chart_',
    ...profileTable(incident.growing, incident.growingIn ?? 'goroutines'),
    '',
    '### Evidence',
    '',
    ...cause.evidence.map((e) => `- ${e.text}${e.source ? ` — ${code(e.source)}` : ''}`),
    '',
    '### Why not something else',
    '',
    ...(cause.ruledOut.length ? cause.ruledOut.map((r) => `- ${r}`) : ['- nothing else was ruled out']),
    ...alternatives(incident),
    '',
    '### What can be done',
    '',
    ...options(view),
    ...seenBefore(view.similar ?? []),
    ...(incident.diagnosis.normal.length
      ? ['', '### Looked at and found normal', '', ...incident.diagnosis.normal.map((n) => `- ${n}`)]
      : []),
    '',
    '### Timeline',
    '',
    '| Time (UTC) | What | By |',
    '|---|---|---|',
    ...view.timeline.map((t) => `| ${t.at.slice(0, 19).replace('T', ' ')} | ${cell(t.what)} | ${cell(t.by)} |`),
    '',
    `<sub>Prose by ${incident.prose.by}; the diagnosis, the options and every number are ZeroOps' rules'. Owners: ${incident.owners.map((o) => `@${o}`).join(', ') || '—'}.</sub>`,
  ].join('\n');
}

/** Past incidents like this one: when, how long they lasted, and which remediations fixed them. */
function seenBefore(similar: IncidentRecord[]): string[] {
  if (similar.length === 0) return [];
  const fixes = (r: IncidentRecord) =>
    r.fixes
      .filter((f) => f.fixed !== undefined)
      .map((f) => `${code(f.option)} ${f.fixed ? '✔ fixed it' : '✘ did not'}`)
      .join(', ') || '—';
  const lasted = (r: IncidentRecord) =>
    r.recoverySeconds !== undefined
      ? `${Math.max(1, Math.round(r.recoverySeconds / 60))} min`
      : r.state === 'closed'
        ? 'closed by hand'
        : 'not resolved';
  return [
    '',
    '### Seen before',
    '',
    '| Incident | Detected (UTC) | Recovered in | What was tried |',
    '|---|---|---|---|',
    ...similar.map(
      (r) => `| #${r.issueNumber} | ${r.detectedAt.slice(0, 16).replace('T', ' ')} | ${lasted(r)} | ${fixes(r)} |`,
    ),
  ];
}

function profileTable(all: Growth[], kind: 'goroutines' | 'heap'): string[] {
  const growing = all.slice(0, 5);
  if (growing.length === 0) return [];
  const heap = kind === 'heap';
  const amount = (value: number) => (heap ? formatBytes(value) : value.toLocaleString('en-US'));
  const rate = (value: number) => (heap ? `+${formatBytes(value)}/s` : `+${value.toFixed(1)}/s`);
  return [
    '',
    heap ? '### Where the memory is' : '### Where the goroutines are',
    '',
    heap
      ? 'Allocation sites whose bytes in use grew between two heap profiles (`/debug/pprof/heap`):'
      : 'Functions whose goroutines grew between two profiles (`/debug/pprof/goroutine?debug=1`):',
    '',
    `| Function | File:line | ${heap ? 'In use now' : 'Goroutines now'} | Growth | Instances |`,
    '|---|---|---|---|---|',
    ...growing.map(
      (g) =>
        `| ${code(g.function)} | ${code(g.location)} | ${amount(g.count)} | ${rate(g.perSecond)} | ${cell(g.instances.join(', '))} |`,
    ),
  ];
}

function options(view: IncidentView): string[] {
  const { cause } = view.incident;
  if (cause.remediations.length === 0)
    return ['No remediation is offered: the evidence does not point to one. A person must look.'];
  const rows = cause.remediations.map((r, i) => {
    const level = view.levels[r.id] ?? 'suggest';
    const how =
      level === 'auto'
        ? 'ZeroOps runs it on its own'
        : level === 'confirm'
          ? `comment ${code(`/zeroops remediate ${r.id}`)} (write access)`
          : level === 'suggest'
            ? 'proposed as a pull request'
            : 'ZeroOps only records it';
    return `| ${i + 1} | ${cell(r.title)} | ${cell(r.why)} | ${level}: ${how} |`;
  });
  const tried = view.incident.remediations.map(
    (r) =>
      `- ${r.at.slice(0, 19).replace('T', ' ')} ${code(r.option)} by @${r.by}: ${r.status}${r.verdict ? ` — ${r.verdict.text}` : ''}${r.runId ? ` (run ${code(r.runId)})` : ''}`,
  );
  return [
    '| # | Option | Why | What the policy lets ZeroOps do |',
    '|---|---|---|---|',
    ...rows,
    ...(tried.length ? ['', 'Tried:', ...tried] : []),
  ];
}

function alternatives(incident: PatrolIncident): string[] {
  const others = incident.diagnosis.causes.filter(
    (c: Cause) => c !== incident.cause && c.title !== incident.cause.title,
  );
  if (others.length === 0) return [];
  return [
    '',
    'Also considered, less likely:',
    ...others.map((c) => `- ${c.title} (${Math.round(c.confidence * 100)}%)`),
  ];
}
