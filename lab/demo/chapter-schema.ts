/**
 * Chapter: user_profile.column_1 (text holding JSON) is replaced by column_2 (jsonb) for real, while
 * 8 pgbench clients read and write the table and a nightly report holds a lock: preflight on the
 * pull request, then expand, dual write, backfill, verify, switch readers, rename, observe,
 * snapshot and drop, with the application's latency shown second by second.
 */
import type { DbLoadReport } from '../components/db-load.js';
import { worstLatencyDuring } from '../components/db-load.js';
import type { GitHubDouble } from '../github-double/index.js';
import { sleep } from '../wait.js';
import pg from 'pg';
import { indent } from './chapter-pull-request.js';
import type { Chapter, DemoContext } from './chapter.js';
import { mergeReviewed } from './chapter-execute.js';

const name = 'user-profile-column-2-now';
const manifest = `apiVersion: zeroops.dev/v1
kind: SchemaChange
metadata: { name: ${name}, service: checkout }
spec:
  database: shop
  replaceColumn: { table: user_profile, from: column_1, to: column_2, type: jsonb, using: column_1::jsonb }
  lockTimeout: 200ms
  readersWindow: 2s
  observeFor: 5s   # days in production; seconds in the demo
`;

export const schemaChapter: Chapter = {
  name: 'schema',
  needs: ['start'],
  title: 'A column replaced on PostgreSQL under load: no hand-run ALTER TABLE, no failed transaction',
  async run(context) {
    const lab = context.lab!;
    const github = lab.github!;
    console.log(
      'The shop’s user_profile keeps JSON in a text column. 8 pgbench clients read and update it by id\n' +
        '(and insert) all along; a nightly report sits in a transaction on the table when the change starts.',
    );
    const load = await lab.startDbLoad({ clients: 8, rate: 400, name: 'demo-pgbench' });
    const number = await mergeReviewed(github, name, manifest, 'Replace user_profile.column_1 by jsonb', [
      'alice',
      'bob',
    ]);
    const plan = github.comments(number)[0]?.body ?? '';
    if (!plan.includes('### Preflight'))
      throw new Error(
        `#${number} was not planned with its preflight: ${github.checkRuns(github.pull(number).head.sha)[0]?.title}`,
      );
    console.log('  The plan comment’s preflight, read-only, before anyone approved:\n');
    console.log(indent(plan.slice(plan.indexOf('### Preflight')).trim()));
    console.log('');
    const report = await holdLockDuringExpand(lab.postgres!.url);
    const seen = new Map<string, string>();
    await followSteps(github, 'switch-readers', seen);
    console.log(
      '\n  ▶ The team deploys the code that reads column_2; alice confirms: /zeroops approve-step switch-readers',
    );
    await load.useNewCode();
    await github.comment(number, 'alice', '/zeroops approve-step switch-readers');
    await followSteps(github, 'contract-drop-old', seen);
    console.log('\n  ▶ Nothing used column_1_deprecated while it was observed; bob approves the drop.');
    await github.comment(number, 'bob', '/zeroops approve-step contract-drop-old');
    await followSteps(github, undefined, seen);
    await report;
    const loadReport = await load.stop();
    await printLoad(context, loadReport);
  },
};

/** The nightly report: a transaction that reads the table and stays open for 2.5 s. */
async function holdLockDuringExpand(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'nightly-report' });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT count(*) FROM user_profile WHERE id < 1000');
  await sleep(2500);
  await client.query('COMMIT');
  await client.end();
}

/** Print each step as it moves, with what the provider said, until `until` waits for approval (or the run ends). */
async function followSteps(github: GitHubDouble, until: string | undefined, seen: Map<string, string>): Promise<void> {
  for (let i = 0; i < 720; i++) {
    const check = github
      .checkRuns()
      .filter((c) => c.name === `ZeroOps run: ${name}`)
      .at(-1);
    for (const row of (check?.text ?? '').split('\n')) {
      const step = /^\| (\S+) `([^`]+)` (.*?)(?:<br><sub>(.*)<\/sub>)? \| (\w+)/.exec(row);
      if (!step) continue;
      const [, icon, id, , note, status] = step;
      const line = `${icon} ${id} — ${status}${note ? `: ${note}` : ''}`;
      if (status !== 'pending' && seen.get(id!) !== line) {
        console.log(`  ${line}`);
        seen.set(id!, line);
      }
    }
    if (check?.status === 'completed') {
      console.log(`\n  Check run completed: ${check.conclusion}.`);
      return;
    }
    if (until && check?.title?.includes(`waiting for approval of step ${until}`)) {
      console.log(`  ⏸ ${check.title}`);
      return;
    }
    await sleep(250);
  }
  throw new Error(`the run of ${name} did not get there in time`);
}

/**
 * The load's side of the story: transactions per second and the slowest one, second by second,
 * with the DDL steps marked.
 */
async function printLoad(context: DemoContext, report: DbLoadReport): Promise<void> {
  const run = (await context.store!.runs({})).find((r) => r.plan.task.name === name)!;
  const ddl = run.steps
    .filter((s) =>
      ['expand-add-column', 'expand-dual-write', 'contract-rename-old', 'contract-drop-old'].includes(s.id),
    )
    .map((s) => ({ id: s.id, from: Date.parse(s.startedAt!), to: Date.parse(s.finishedAt!) }));
  const first = Date.parse(run.steps[0]!.startedAt!) - 2000;
  const last = Date.parse(run.finishedAt!) + 1000;
  console.log(
    `\n  The application’s side (pgbench, 8 clients): ${report.transactions.length.toLocaleString('en-US')} ` +
      `transactions, ${report.failures.length} failed.\n`,
  );
  console.log('  second   tps  slowest  ');
  for (let t = first; t < last; t += 1000) {
    const inSecond = report.transactions.filter((x) => x.endMs >= t && x.endMs < t + 1000);
    if (inSecond.length === 0 && t > Date.parse(run.steps.at(-1)!.startedAt!)) continue;
    const slowest = Math.max(0, ...inSecond.map((x) => x.latencyMs));
    const marks = ddl.filter((d) => d.from < t + 1000 && d.to >= t).map((d) => d.id);
    const bar = '█'.repeat(Math.min(40, Math.ceil(slowest / 10)));
    console.log(
      `  ${new Date(t).toISOString().slice(14, 19)}  ${String(inSecond.length).padStart(4)}  ` +
        `${slowest.toFixed(0).padStart(5)} ms ${bar}${marks.length ? `  ← ${marks.join(', ')}` : ''}`,
    );
  }
  console.log('\n  The slowest client transaction during each DDL step (lock_timeout 200 ms; target ≤ 250 ms):');
  for (const d of ddl)
    console.log(
      `    ${d.id.padEnd(20)} ${worstLatencyDuring(report.transactions, d.from, d.to).toFixed(1).padStart(7)} ms`,
    );
}
