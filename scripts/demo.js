#!/usr/bin/env node
// `npm run demo` on a fresh machine: install what is missing, then tell the story on the lab.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync(`${root}node_modules/.package-lock.json`)) {
  console.log('Installing the Node.js dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(`${root}lab/bootstrap`, []);
run(process.execPath, ['--import', 'tsx', `${root}lab/demo/story.ts`, ...process.argv.slice(2)]);
