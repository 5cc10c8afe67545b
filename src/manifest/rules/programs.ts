/**
 * What a command may run: only a script of the ops repo's `scripts/` folder, which is reviewed and
 * merged like everything else; never an arbitrary program of the worker (`sh -c …`, `curl`).
 */
import { scriptPath } from '../../policy/governed-files.js';
import type { Path } from '../diagnostic.js';
import type { OpsRepo } from '../model.js';
import type { Report } from './rule.js';

export function checkProgram(argv: readonly unknown[], path: Path, repo: OpsRepo, report: Report): void {
  const program = argv[0];
  if (typeof program !== 'string') return;
  const script = scriptPath(program);
  if (!script) {
    report(
      [...path, 0],
      `'${program}' is not a script of this repository: a command runs a file under scripts/ (e.g. scripts/flush-cache.sh), so what runs is reviewed with the change`,
    );
    return;
  }
  if (repo.scripts && !repo.scripts.has(script)) {
    const known = [...repo.scripts.keys()];
    report(
      [...path, 0],
      `there is no ${script} in this commit${known.length ? ` (scripts/ holds ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''})` : ': add it under scripts/'}`,
    );
  }
}
