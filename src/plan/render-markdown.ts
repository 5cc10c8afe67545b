/** A plan as Markdown, the way a reviewer reads it on the pull request. Pure. */
import { formatDuration } from '../manifest/units.js';
import { cell, code } from './markdown.js';
import type { Action, ApprovalRequirement, Plan, PlanStep } from './types.js';

const riskIcon = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' } as const;

export function renderPlan(plan: Plan): string {
  const { task } = plan;
  return [
    `### ${riskIcon[plan.risk.level]} ${code(task.name)} — ${task.kind} of ${task.service} in ${task.env}`,
    '',
    `${plan.summary}.`,
    '',
    plan.executes
      ? '**On merge**: executes, once approved.'
      : `**On merge**: nothing runs: ${task.kind} execution is not available in this version of ZeroOps (the plan is checked and can be approved).`,
    '',
    '| Risk | Approvals needed | Steps | Locks | Fingerprint |',
    '|---|---|---|---|---|',
    `| **${plan.risk.level}** | ${cell(describeApprovals(plan.approvals))} | ${plan.steps.length} | ${plan.locks.map((l) => cell(code(l.key))).join('<br>')} | \`${plan.fingerprint.slice(0, 19)}\` |`,
    '',
    ...renderSteps(plan.steps),
    ...renderRollback(plan),
    ...list('Why this risk', plan.risk.reasons.length ? plan.risk.reasons : ['nothing raises it']),
    ...renderFilled(plan),
    `<sub>Defined in ${code(`${task.file}:${task.line}`)} · approvals: ${plan.approvals.source}</sub>`,
  ].join('\n');
}

export function describeApprovals(approvals: ApprovalRequirement): string {
  if (approvals.required === 0) return 'none';
  const ownerOf = (members: string[]) =>
    members.length
      ? `an owner (${members.join(', ')})`
      : 'an admin or maintainer (the service has no approved owners yet)';
  const groups = approvals.ownerGroups;
  const owners =
    groups && groups.length > 1
      ? groups.map((g) => `${ownerOf(g.members)} of ${g.of}`).join(' and ')
      : ownerOf(approvals.owners);
  const owner = approvals.ownerRequired ? ` incl. ${owners}` : '';
  return `${approvals.required}${owner}`;
}

function renderSteps(steps: readonly PlanStep[]): string[] {
  const rows = steps.map((step, i) => {
    const gates = step.gates.length ? step.gates.map((g) => cell(g.display)).join('<br>') : '—';
    const hold = step.waitSeconds ? formatDuration(step.waitSeconds) : '—';
    const approval = step.approval ? ' ✋ waits for approval' : '';
    return `| ${i + 1} | ${cell(code(step.id))} ${cell(step.title)}${approval} | ${cell(describeAction(step.action))} | ${gates} | ${hold} |`;
  });
  return [
    '**Steps**',
    '',
    '| # | Step | Action | Gates | Hold |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...(isLinear(steps) ? [] : ['```mermaid', 'graph TD', ...mermaidEdges(steps), '```', '']),
  ];
}

export function isLinear(steps: readonly PlanStep[]): boolean {
  return steps.every((step, i) =>
    i === 0 ? step.needs.length === 0 : step.needs.length === 1 && step.needs[0] === steps[i - 1]!.id,
  );
}

function mermaidEdges(steps: readonly PlanStep[]): string[] {
  const node = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
  return steps.flatMap((step) => [
    `  ${node(step.id)}["${step.id}"]`,
    ...step.needs.map((need) => `  ${node(need)} --> ${node(step.id)}`),
  ]);
}

function renderRollback(plan: Plan): string[] {
  if (plan.rollback.length === 0) return ['**Rollback**: none possible; every step must be undone by hand.', ''];
  return [
    '**Rollback** (automatic when a gate fails)',
    '',
    ...plan.rollback.map((r, i) => `${i + 1}. ${cell(r.title)} — ${describeAction(r.action)}`),
    '',
  ];
}

function renderFilled(plan: Plan): string[] {
  if (plan.filled.length === 0) return [];
  return [
    '<details><summary>Filled in from context</summary>',
    '',
    '| Field | Value | From |',
    '|---|---|---|',
    ...plan.filled.map((f) => `| ${cell(code(f.field))} | ${cell(short(JSON.stringify(f.value)))} | ${cell(f.from)} |`),
    '',
    '</details>',
    '',
  ];
}

function list(title: string, items: readonly string[]): string[] {
  return [`**${title}**`, '', ...items.map((item) => `- ${item}`), ''];
}

const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/** What an action does, with what a reviewer must see: the script and its arguments, the SQL. */
export function describeAction(action: Action): string {
  const name = code(`${action.provider} ${action.operation}`);
  const argv = action.params.argv;
  if (action.provider === 'command' && Array.isArray(argv)) {
    const targets = (action.params.targets as { server: string }[] | undefined)?.map((t) => t.server) ?? [];
    return `${name}: ${code(short([...argv, ...targets].map(String).join(' ')))}`;
  }
  const sql = action.params.sql;
  if (typeof sql === 'string') return `${name}: ${code(short(sql.replace(/\s+/g, ' ').trim()))}`;
  return name;
}
