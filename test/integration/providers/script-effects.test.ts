/** `command run` through the providers: what a script is told, and a finished attempt never run again. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '../../../src/plan/types.js';
import { ProviderEffects } from '../../../src/providers/effects.js';
import { aRun } from '../../support/builders.js';
import { embeddedStorePerTest } from '../../support/embedded-store.js';

const store = embeddedStorePerTest('zeroops-script-effects-');
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function effectsWithScript(body: string) {
  const dir = mkdtempSync(join(tmpdir(), 'zeroops-scripts-'));
  folders.push(dir);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'scripts', 'record.sh'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, 'scripts', 'record.sh'), 0o755);
  const effects = new ProviderEffects({
    store: store(),
    scriptsFor: async () => dir,
    attemptsDir: join(dir, 'attempts'),
  });
  return { dir, effects };
}

const action: Action = { provider: 'command', operation: 'run', params: { argv: ['scripts/record.sh'] } };

describe('a script step', () => {
  it('is told its run, task, step, attempt and idempotency key', async () => {
    const { dir, effects } = effectsWithScript('env | grep ^ZEROOPS_ | sort > seen');
    const run = aRun();
    await effects.apply(action, { run, step: 'restart-2', attempt: 3, checkpointKey: `${run.id}/restart-2/3` });
    expect(readFileSync(join(dir, 'seen'), 'utf8').trim().split('\n')).toEqual([
      'ZEROOPS_ATTEMPT=3',
      'ZEROOPS_ENV=production',
      `ZEROOPS_IDEMPOTENCY_KEY=${run.id}/restart-2/3`,
      `ZEROOPS_RUN_ID=${run.id}`,
      'ZEROOPS_SERVICE=checkout',
      'ZEROOPS_STEP=restart-2',
      'ZEROOPS_TASK=task-1',
    ]);
  });

  it('that finished is not run again for the same attempt, and its output is what the first run said', async () => {
    const { dir, effects } = effectsWithScript('echo ran >> runs; echo "restarted $ZEROOPS_ATTEMPT"');
    const run = aRun();
    const context = { run, step: 'restart-1', attempt: 1, checkpointKey: `${run.id}/restart-1/1` };
    const first = await effects.apply(action, context);
    const again = await effects.apply(action, context);
    expect(again).toEqual(first);
    expect(first.output).toMatchObject({ stdout: 'restarted 1' });
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('ran\n');
  });

  it('that fails says how, and may be tried again', async () => {
    const { effects } = effectsWithScript('echo "instance a1 did not come back" >&2; exit 4');
    const run = aRun();
    await expect(
      effects.apply(action, { run, step: 's', attempt: 1, checkpointKey: `${run.id}/s/1` }),
    ).rejects.toMatchObject({
      message: 'scripts/record.sh exited with 4: instance a1 did not come back',
      retryable: true,
    });
  });
});
