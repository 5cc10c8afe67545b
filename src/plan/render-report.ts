/** The whole change as one report: findings first, then a table of plans, then each plan. Pure. */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../manifest/diagnostic.js';
import { describeApprovals, renderPlan } from './render-markdown.js';
import type { Plan } from './types.js';

export interface PlanReport {
  title: string;
  summary: string;
  text: string;
}

export function renderReport(plans: readonly Plan[], diagnostics: readonly Diagnostic[]): PlanReport {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const title = hasErrors(diagnostics)
    ? `${errors.length} error(s) in the manifests`
    : `${plans.length} plan(s) ready${warnings.length ? `, ${warnings.length} warning(s)` : ''}`;
  const summary = [
    ...(errors.length ? ['#### ❌ Fix these before the change can be planned', '', ...findings(errors), ''] : []),
    ...(warnings.length ? ['#### ⚠️ Warnings', '', ...findings(warnings), ''] : []),
    ...(plans.length ? overview(plans) : []),
  ].join('\n');
  return { title, summary, text: plans.map(renderPlan).join('\n\n---\n\n') };
}

function findings(diagnostics: readonly Diagnostic[]): string[] {
  return ['```', ...diagnostics.map(formatDiagnostic), '```'];
}

function overview(plans: readonly Plan[]): string[] {
  return [
    '| Task | Kind | Service / env | Steps | Risk | Approvals needed |',
    '|---|---|---|---|---|---|',
    ...plans.map(
      (p) =>
        `| \`${p.task.name}\` | ${p.task.kind} | ${p.task.service} / ${p.task.env} | ${p.steps.length} | ${p.risk.level} | ${describeApprovals(p.approvals)} |`,
    ),
    '',
  ];
}
