/** Chapter: a small production in a box starts, then ZeroOps connects to it. */
import { readOpsRepo } from '../../src/forge/local/working-tree.js';
import { startServer, webhookPath } from '../../src/main/server.js';
import { startLab } from '../lab.js';
import { describeLab } from '../up.js';
import type { Chapter } from './chapters.js';
import { withProgress } from './progress.js';

const templateDir = new URL('../../ops-repo-template/', import.meta.url).pathname;

export const startChapter: Chapter = {
  title: 'A small production starts on this machine',
  async run(context) {
    console.log('Real Redis, PostgreSQL, HAProxy and Prometheus, six instances of a Go service in three');
    console.log('datacenters, steady user traffic, and a GitHub double that checks every call the bot makes.\n');
    for (const file of await readOpsRepo(templateDir)) (file.path.startsWith('tasks/') ? context.tasks : context.files)[file.path] = file.text;
    context.lab = await withProgress('starting the lab', (note) => startLab({ githubFiles: context.files, onProgress: note, seedRows: 100_000 }));
    console.log(describeLab(context.lab));
    const github = context.lab.github!;
    context.app = await startServer({ appId: github.appId, privateKey: github.privateKey, webhookSecret: 'demo-secret', port: 0, host: '127.0.0.1', githubApiUrl: github.url, logLevel: 'warn' });
    github.connectApp({ url: `http://127.0.0.1:${context.app.port}${webhookPath}`, secret: 'demo-secret' });
    github.setPermission('alice', 'write');
    console.log(`\nZeroOps is running at http://127.0.0.1:${context.app.port} as GitHub App ${github.appId}, installed on ${github.state.owner}/${github.state.repoName}.`);
  },
};
