import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../../lab/processes.js';
import { attemptWrapper } from '../../../src/providers/command/attempt-folder.js';
import { runCommand } from '../../../src/providers/command/run-command.js';
import { eventually } from '../../support/lab.js';
import { callWebhook } from '../../../src/providers/webhook/call-webhook.js';

describe('command provider', () => {
  it('passes arguments as they are: no shell ever sees them', async () => {
    const result = await runCommand(['printf', '%s|', 'a b', '$(whoami)', '; rm -rf /'], { timeoutMs: 5000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'a b|$(whoami)|; rm -rf /|' });
  });

  it('stops a command at its timeout', async () => {
    const result = await runCommand(['sleep', '10'], { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('stops the whole process group when its step is aborted: no child outlives it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zeroops-group-'));
    const controller = new AbortController();
    // The script starts a child that would go on restarting things after a timeout.
    const running = runCommand(['sh', '-c', `sleep 30 & echo $! > ${dir}/child; wait`], {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const child = await waitForNumber(join(dir, 'child'));
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(await eventually(() => !isAlive(child), 5000)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it('redacts secrets from what it captured', async () => {
    const result = await runCommand(
      ['sh', '-c', 'echo "db=postgres://app:hunter2@db/shop token=abc123 $SECRET"; exit 3'],
      { timeoutMs: 5000, env: { SECRET: 's3cr3t-value' }, secrets: ['s3cr3t-value'] },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('db=postgres://app:[redacted]@db/shop token=[redacted] [redacted]\n');
  });

  it('reports a missing program instead of throwing', async () => {
    const result = await runCommand(['/nonexistent/script.sh'], { timeoutMs: 1000 });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('/nonexistent/script.sh: not found');
  });
});

describe('a script a worker started before it died', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zeroops-adopt-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** What a worker leaves behind when it is killed right after starting a script. */
  function startedByADeadWorker(script: string): string {
    const attempt = join(dir, 'attempt');
    mkdirSync(attempt);
    spawn('/bin/sh', ['-c', attemptWrapper, attempt, 'sh', '-c', script], {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
    }).unref();
    return attempt;
  }

  it('is waited for, not started again, and its exit status and output are its own', async () => {
    const attemptDir = startedByADeadWorker('sleep 1; echo ran >> runs; echo restarted a1; exit 3');
    await eventually(() => existsSync(join(attemptDir, 'pid')), 5000);
    const result = await runCommand(['sh', '-c', 'echo ran >> runs'], { cwd: dir, timeoutMs: 10_000, attemptDir });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, stdout: 'restarted a1\n' });
    expect(await readFile(join(dir, 'runs'), 'utf8')).toBe('ran\n');
  });

  it('is stopped, with everything it started, when the new attempt times out', async () => {
    const attemptDir = startedByADeadWorker('sleep 30 & echo $! > child; wait');
    const child = await waitForNumber(join(dir, 'child'));
    const result = await runCommand(['true'], { cwd: dir, timeoutMs: 300, attemptDir });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(await eventually(() => !isAlive(child), 5000)).toBe(true);
  });

  it('that ended without a status is reported as interrupted, and not run again', async () => {
    const attemptDir = join(dir, 'attempt');
    mkdirSync(attemptDir);
    writeFileSync(join(attemptDir, 'pid'), '999999999\n');
    const result = await runCommand(['sh', '-c', 'echo ran >> runs'], { cwd: dir, timeoutMs: 5000, attemptDir });
    expect(result).toMatchObject({ interrupted: true, exitCode: null });
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});

describe('webhook provider', () => {
  const received: { signature?: string; key?: string; body: string }[] = [];
  let answers: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({
        signature: req.headers['x-zeroops-signature-256'] as string,
        key: req.headers['idempotency-key'] as string,
        body,
      });
      res.writeHead(answers.shift() ?? 200).end('ok');
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    received.length = 0;
  });

  it('signs the body and retries server errors with the same idempotency key', async () => {
    answers = [503, 500, 200];
    const outcome = await callWebhook(
      { url, body: { run: 'r1' }, secret: 'k', idempotencyKey: 'run-r1-step-2' },
      async () => undefined,
    );
    expect(outcome).toMatchObject({ status: 200, attempts: 3 });
    expect(received.map((r) => r.key)).toEqual(['run-r1-step-2', 'run-r1-step-2', 'run-r1-step-2']);
    expect(received[0]!.signature).toBe(`sha256=${createHmac('sha256', 'k').update('{"run":"r1"}').digest('hex')}`);
  });

  it('does not retry a refusal', async () => {
    answers = [400];
    await expect(callWebhook({ url, body: {}, retries: 3 }, async () => undefined)).rejects.toMatchObject({
      attempts: 1,
      status: 400,
    });
    expect(received).toHaveLength(1);
  });
});

async function waitForNumber(file: string): Promise<number> {
  let pid = 0;
  await eventually(async () => (pid = Number((await readFile(file, 'utf8').catch(() => '')).trim())) > 0, 5000, 20);
  return pid;
}
