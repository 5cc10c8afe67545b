/** Chapter: a small production in a box starts, then ZeroOps connects to it. */
import { readOpsRepo, readScripts } from '../../src/forge/local/working-tree.js';
import { startLab } from '../lab.js';
import { startZeroOpsOnLab } from '../zeroops-on-lab.js';
import { describeLab } from '../up.js';
import type { Chapter } from './chapter.js';
import { withProgress } from './progress.js';

const templateDir = new URL('../../ops-repo-template/', import.meta.url).pathname;

export const startChapter: Chapter = {
  name: 'start',
  title: 'A small production starts on this machine',
  async run(context) {
    console.log('Real Redis, PostgreSQL, HAProxy and Prometheus, six instances of a Go service in three');
    console.log('datacenters, steady user traffic, and a GitHub double that checks every call the bot makes.\n');
    for (const file of [...(await readOpsRepo(templateDir)), ...(await readScripts(templateDir))])
      (file.path.startsWith('tasks/') ? context.tasks : context.files)[file.path] = file.text;
    context.lab = await withProgress('starting the lab', (note) =>
      startLab({ githubFiles: {}, onProgress: note, seedRows: 100_000, loadRate: 80 }),
    );
    console.log(describeLab(context.lab));
    const lab = context.lab;
    const github = lab.github!;
    // The ops repo's config points at this lab's Prometheus and HAProxy.
    context.files['.zeroops/config.yaml'] = context.files['.zeroops/config.yaml']!.replace(
      'http://127.0.0.1:9090',
      lab.prometheus!.url,
    ).replace('/run/haproxy/admin.sock', lab.haproxy!.socketPath);
    await github.state.git.commit('main', context.files, 'The ops repo');
    // The config names the shop database's URL by variable: this process is where ZeroOps reads it.
    process.env.SHOP_DATABASE_URL = lab.postgres!.url;
    for (const [user, permission] of [
      ['alice', 'write'],
      ['bob', 'admin'],
      ['carol', 'write'],
    ] as const)
      github.setPermission(user, permission);
    const zeroops = await startZeroOpsOnLab(lab);
    const runtime = zeroops.runtime;
    context.app = { port: runtime.port!, stop: zeroops.stop };
    context.store = runtime.store;
    console.log(
      `\nZeroOps (webhook server and workers) is running at http://127.0.0.1:${runtime.port} as GitHub App ${github.appId}, installed on ${github.state.owner}/${github.state.repoName}.`,
    );
  },
};
