/**
 * Time from a pull_request webhook to the published "ZeroOps plan" check run, for a PR that adds
 * 50 manifests, through the HTTP-level GitHub double (in-process, so the figure is ZeroOps' own).
 */
import { Probot } from 'probot';
import { githubDouble, resetGithubDouble } from '../test/support/github-double.js';
import { templateRepoFiles } from '../test/support/ops-repo.js';
import { testProbot } from '../test/support/probot.js';
import { examplePayload } from '../test/support/webhook-examples.js';
import { ms, quantile, table } from './stats.js';

export async function webhookLatency(): Promise<void> {
  const files = await templateRepoFiles();
  const base = Object.fromEntries(files.filter((f) => !f.path.startsWith('tasks/')).map((f) => [f.path, f.text]));
  const tasks = files.filter((f) => f.path.startsWith('tasks/') && !f.text.includes('replaces:'));
  const head = { ...base };
  for (let i = 0; i < 50; i++) {
    const task = tasks[i % tasks.length]!;
    head[`tasks/generated-${i}.yaml`] = task.text.replace(/name: (\S+)/, `name: $1-${i}`);
  }
  const payload = examplePayload('pull_request', 'opened');
  const double = githubDouble({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    baseSha: payload.pull_request.base.sha,
    headSha: payload.pull_request.head.sha,
    base,
    head,
  });
  const measure = async (probot: Probot, id: string) => {
    const started = performance.now();
    await probot.receive({ id, name: 'pull_request', payload } as never);
    return performance.now() - started;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const sameApp = await testProbot();
  for (let i = 0; i < 30; i++) cold.push(await measure(await testProbot(), `cold-${i}`)); // a fresh app: nothing cached
  for (let i = 0; i < 100; i++) warm.push(await measure(sameApp, `warm-${i}`)); // later pushes: blobs cached
  const plans = double.checkRuns.at(-1)!.body.output.title as string;
  resetGithubDouble();
  console.log(`\n## Webhook to published check run (PR with 50 manifests; last check: "${plans}")\n`);
  console.log(
    table([
      ['case', 'runs', 'p50', 'p99'],
      ['fresh app (every blob fetched)', String(cold.length), ms(quantile(cold, 0.5)), ms(quantile(cold, 0.99))],
      ['running app (blobs cached)', String(warm.length), ms(quantile(warm, 0.5)), ms(quantile(warm, 0.99))],
    ]),
  );
}
