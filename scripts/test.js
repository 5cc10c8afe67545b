#!/usr/bin/env node
// `npm test`: lint, typecheck and every jest suite, in two lanes at once.
//  - The lab suites run one at a time at normal priority: those in test/lab and test/e2e, and any
//    other that starts lab components (startLab). Their gates, detectors, leases and latency bounds
//    measure real time, and they spend most of it waiting on it.
//  - Lint, typecheck, then every other suite run meanwhile at nice 10: they take the CPU the lab
//    suites leave idle and give it back whenever those want it. Their output is shown in one piece
//    when they end, so the two lanes' lines never interleave.
// With arguments (`npm test -- <pattern>`) it is one plain jest run over what they select.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings`.trim(),
};
const jest = join(root, 'node_modules/.bin/jest');
const running = new Set();

/** Runs a command to its end; resolves with its exit code (127 when it could not start). */
function run(command, args, stdio = 'inherit') {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio });
    running.add(child);
    child.once('error', (error) => {
      running.delete(child);
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
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

/** Every test file under test/, relative to the root. */
function testFiles(dir = join(root, 'test')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const isLabSuite = (file) =>
  /^test\/(lab|e2e)\//.test(file) || /\bstartLab\(/.test(readFileSync(join(root, file), 'utf8'));
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A file as a jest path pattern that matches it alone. */
const exactly = (file) => `^${escaped(join(root, file))}$`;

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
  });

const selected = process.argv.slice(2);
if (selected.length > 0) process.exit(await run(jest, selected));

const labSuites = testFiles().filter(isLabSuite);
const dir = mkdtempSync(join(tmpdir(), 'zeroops-test-'));
try {
  const log = join(dir, 'beside-the-lab.log');
  const beside = niceInTurn(
    [
      ['npm', 'run', '--silent', 'lint'],
      ['npm', 'run', '--silent', 'typecheck'],
      [jest, '--testPathIgnorePatterns', ...labSuites.map(exactly)],
    ],
    log,
  ).then((code) => {
    console.log('\n── lint, typecheck and the other suites (beside the lab suites, at nice 10) ──\n');
    console.log(readFileSync(log, 'utf8'));
    return code;
  });
  const lab = run(jest, ['--runInBand', ...labSuites.map(exactly)]);
  const [labCode, restCode] = await Promise.all([lab, beside]);
  console.log(
    labCode === 0 && restCode === 0
      ? '\nnpm test passed: lint, typecheck and every suite.'
      : `\nnpm test failed: lab suites exit ${labCode}; lint, typecheck and the other suites exit ${restCode}.`,
  );
  process.exitCode = labCode === 0 && restCode === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
