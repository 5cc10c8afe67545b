#!/usr/bin/env node
// `npm test`: lint, typecheck and every jest suite, in two lanes at once.
//  - The lab suites (test/lab, test/e2e) run one at a time at normal priority: their gates,
//    detectors and leases measure real time, and they spend most of it waiting.
//  - Lint, typecheck, then the unit and integration suites run meanwhile at nice 10: they take the
//    CPU the lab suites leave idle and give it back whenever those want it. Their output is shown
//    in one piece when they end, so the two lanes' lines never interleave.
// With arguments (`npm test -- <pattern>`) it is one plain jest run over what they select.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings' };
const jest = join(root, 'node_modules/.bin/jest');
const labSuites = ['test/lab/', 'test/e2e/'];
const running = new Set();

/** Runs a command to its end; resolves with its exit code. */
function run(command, args, stdio = 'inherit') {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio });
    running.add(child);
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code ?? 1);
    });
  });
}

/** Commands one after the other at nice 10, their output to `log`, until one fails. */
async function niceInTurn(commands, log) {
  const out = openSync(log, 'w');
  try {
    for (const [command, ...args] of commands) {
      const code = await run('nice', ['-n', '10', command, ...args], ['ignore', out, out]);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    closeSync(out);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    for (const child of running) child.kill(signal);
  });

const selected = process.argv.slice(2);
if (selected.length > 0) process.exit(await run(jest, selected));

const dir = mkdtempSync(join(tmpdir(), 'zeroops-test-'));
try {
  const log = join(dir, 'beside-the-lab.log');
  const beside = niceInTurn(
    [
      ['npm', 'run', '--silent', 'lint'],
      ['npm', 'run', '--silent', 'typecheck'],
      [jest, '--testPathIgnorePatterns', ...labSuites],
    ],
    log,
  ).then((code) => {
    console.log('\n── lint, typecheck, unit and integration suites (beside the lab suites, at nice 10) ──\n');
    console.log(readFileSync(log, 'utf8'));
    return code;
  });
  const [lab, rest] = await Promise.all([run(jest, labSuites), beside]);
  console.log(
    lab === 0 && rest === 0
      ? '\nnpm test passed: lint, typecheck and every suite.'
      : `\nnpm test failed: lab suites exit ${lab}; lint, typecheck, unit and integration exit ${rest}.`,
  );
  process.exitCode = lab === 0 && rest === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
