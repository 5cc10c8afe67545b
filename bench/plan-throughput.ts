/** Manifests validated and planned per second: the example ops repo, checked again and again. */
import { checkAndPlan } from '../src/app/check-and-plan.js';
import { templateRepoFiles } from '../test/support/ops-repo.js';
import { median, table } from './stats.js';

export async function planThroughput(): Promise<void> {
  const files = await templateRepoFiles();
  const tasks = files.filter((f) => f.path.startsWith('tasks/')).length;
  await checkAndPlan({ files }); // warm up: schemas compiled, SQL parser loaded
  const rounds: number[] = [];
  const repeats = 200;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < repeats; i++) await checkAndPlan({ files });
    rounds.push((performance.now() - started) / 1000);
  }
  const seconds = median(rounds);
  console.log(
    `\n## Validate and plan (ops-repo-template: ${files.length} manifests, ${tasks} tasks; ${repeats} repeats, median of 5 rounds)\n`,
  );
  console.log(
    table([
      ['figure', 'value'],
      ['manifests validated per second', ((files.length * repeats) / seconds).toFixed(0)],
      ['tasks planned per second', ((tasks * repeats) / seconds).toFixed(0)],
      ['whole repo checked, median', `${((seconds / repeats) * 1000).toFixed(2)} ms`],
    ]),
  );
}
