/** `zeroops validate [--repo DIR] [paths...]`: print findings; exit 1 when there are errors. */
import { formatDiagnostic, hasErrors } from '../../manifest/diagnostic.js';
import { checkPaths } from './check-files.js';
import { notAnOpsRepo } from '../../forge/local/working-tree.js';

export async function validateCommand(root: string, paths: string[], out: (line: string) => void): Promise<number> {
  // A mistyped --repo in CI must fail, not pass with "0 error(s)".
  if (paths.length === 0) {
    const problem = await notAnOpsRepo(root);
    if (problem) {
      out(`zeroops: ${problem}`);
      return 1;
    }
  }
  const { diagnostics, plans } = await checkPaths(root, paths);
  for (const d of diagnostics) out(formatDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  out(`${errors} error(s), ${diagnostics.length - errors} warning(s); ${plans.length} task(s) planned`);
  return hasErrors(diagnostics) ? 1 : 0;
}
