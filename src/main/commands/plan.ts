/** `zeroops plan [--repo DIR] <task.yaml> [--format markdown|json]`: print the plan offline. */
import { formatDiagnostic, hasErrors } from '../../manifest/diagnostic.js';
import { renderPlan } from '../../plan/render-markdown.js';
import { checkPaths } from './check-files.js';

export type PlanFormat = 'markdown' | 'json';

export async function planCommand(
  root: string,
  paths: string[],
  format: PlanFormat,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const { diagnostics, plans } = await checkPaths(root, paths);
  for (const d of diagnostics) err(formatDiagnostic(d));
  if (hasErrors(diagnostics)) return 1;
  out(
    format === 'json'
      ? JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2)
      : plans.map(renderPlan).join('\n\n---\n\n'),
  );
  return 0;
}
