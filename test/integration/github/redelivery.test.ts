/** Deliveries: remembered only once handled, so a failed one is handled again; an incident issue closed ends the incident. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { MergedPull } from '../../../src/app/start-runs.js';
import { zeroopsApp, type Execution } from '../../../src/forge/github/app.js';
import { MemoryDeliveryLog } from '../../../src/store/memory-delivery-log.js';
import { openStore } from '../../../src/store/open-store.js';
import { testPrivateKey } from '../../support/github-double.js';
import { examplePayload } from '../../support/webhook-examples.js';

it('handles a merge again when its first handling failed, and not after it succeeded', async () => {
  const queued: MergedPull[] = [];
  let failures = 1;
  const merges = {
    add: async (merged: MergedPull) => {
      if (failures-- > 0) throw new Error('Redis is unreachable');
      queued.push(merged);
    },
  };
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    Octokit: ProbotOctokit,
    log: pino({ level: 'silent' }) as never,
  });
  await probot.load(zeroopsApp({ deliveries: new MemoryDeliveryLog(), execution: { merges } as unknown as Execution }));
  const payload = examplePayload('pull_request', 'closed');
  Object.assign(payload.pull_request, { merged: true, merge_commit_sha: 'a'.repeat(40) });
  const deliver = () => probot.receive({ id: 'merge-delivery', name: 'pull_request', payload } as never);
  await expect(deliver()).rejects.toThrow('Redis is unreachable');
  await deliver();
  await deliver();
  expect(queued).toHaveLength(1);
  expect(queued[0]).toMatchObject({
    mergeSha: 'a'.repeat(40),
    baseRef: payload.pull_request.base.ref,
    defaultBranch: payload.repository.default_branch,
  });
});

it('ends an incident when its issue is closed, so the same failure later opens a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incident-close-'));
  const store = await openStore({ dataDir: dir });
  try {
    const probot = new Probot({
      appId: 1,
      privateKey: testPrivateKey(),
      Octokit: ProbotOctokit,
      log: pino({ level: 'silent' }) as never,
    });
    await probot.load(zeroopsApp({ deliveries: store, execution: { store } as unknown as Execution }));
    const payload: Record<string, any> = { ...examplePayload('issues', 'reopened'), action: 'closed' }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const repo = `${payload.repository.owner.login}/${payload.repository.name}`;
    await store.saveIncident({
      id: `${repo}#${payload.issue.number}`,
      fingerprint: 'f1',
      repo,
      issueNumber: payload.issue.number,
      state: 'open',
      runIds: ['r1'],
      createdAt: '2026-12-01T00:00:00Z',
    });
    await probot.receive({ id: 'close-1', name: 'issues', payload } as never);
    expect(await store.openIncident('f1')).toBeUndefined();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
