/**
 * Time from a request in words on an issue to the opened pull request, with the offline parser:
 * the comment handled as the webhook handler does (permission, parse, write, check against the
 * ops repo read from GitHub, propose), against the GitHub double over HTTP on loopback. The
 * parser's own share is measured apart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubDouble } from '../lab/github-double/index.js';
import { handleCommand } from '../src/app/handle-command.js';
import { requestTask } from '../src/app/request-task.js';
import { parseRequest } from '../src/nl/parse-request.js';
import { openStore } from '../src/store/open-store.js';
import { templateRepoFiles, templateScripts } from '../test/support/ops-repo.js';
import { median, ms, quantile, table } from './stats.js';
import { forgeOnDouble } from '../test/support/double-forge.js';

const requests = {
  English: ['drain dc-b', 'restart checkout in dc-c', 'expand the v1.2 canary to 50%', 'restore dc-a'],
  Chinese: ['切走 dc-b 的流量', '重启 dc-c 的 checkout', '将 v1.2 灰度比例扩大至 50%', '恢复 dc-a'],
};

export async function requestsBench(runs = 12): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zeroops-bench-requests-'));
  const files = Object.fromEntries(
    [...(await templateRepoFiles()), ...(await templateScripts())].map((f) => [f.path, f.text]),
  );
  const double = await GitHubDouble.start({ dir, files });
  double.setPermission('carol', 'write');
  const forge = await forgeOnDouble(double);
  const repo = { owner: 'acme', repo: 'ops' };
  const issue = double.openIssue({ title: 'Ops requests', body: '', author: 'carol' });
  const store = await openStore({ dataDir: dir });
  let minute = 0;
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const rows: string[][] = [['language', 'requests', 'comment → PR p50', 'p90', 'parser alone p50']];
  try {
    for (const [language, texts] of Object.entries(requests)) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const text = texts[i % texts.length]!;
        // Each request a minute apart: each is a task (and a pull request) of its own.
        const clock = () => new Date(Date.parse('2026-12-03T08:00:00Z') + 60_000 * minute++);
        await forge.comment(repo, issue, `/zeroops ${text}`);
        const commentId = double.state.comments.at(-1)!.id;
        const started = performance.now();
        await handleCommand(
          {
            forge,
            store,
            clock,
            log: quiet,
            scheduler: { later: async () => {} },
            reporter: { changed: async () => {} },
            request: (ask) => requestTask({ forge, clock }, ask),
          },
          { repo, number: issue, commentId, author: 'carol', body: `/zeroops ${text}`, onPullRequest: false },
        );
        times.push(performance.now() - started);
      }
      const parser: number[] = [];
      const vocabulary = { services: ['checkout'], datacenters: ['dc-a', 'dc-b', 'dc-c'] };
      for (let i = 0; i < 2000; i++) {
        const started = performance.now();
        parseRequest(texts[i % texts.length]!, vocabulary);
        parser.push(performance.now() - started);
      }
      rows.push([
        language,
        String(runs),
        ms(median(times)),
        ms(quantile(times, 0.9)),
        `${(median(parser) * 1000).toFixed(1)} µs`,
      ]);
    }
    const opened = double.state.comments.filter((c) => /^> \/zeroops[^\n]*\n\n@carol opened #/.test(c.body)).length;
    console.log(`\n## A request in words to the opened pull request (offline parser, GitHub double over HTTP)\n`);
    console.log(table(rows));
    console.log(
      `\nRequests answered with a pull request: ${opened} of ${2 * runs}; ` +
        `API calls checked against GitHub's description: ` +
        `${double.requests.length}, violations: ${double.violations.length}.`,
    );
  } finally {
    await store.close();
    await double.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
