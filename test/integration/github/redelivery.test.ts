/** A delivery is remembered only once it was handled: one whose handling failed is handled again when redelivered. */
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { MergedPull } from '../../../src/app/start-runs.js';
import { zeroopsApp, type Execution } from '../../../src/forge/github/app.js';
import { MemoryDeliveryLog } from '../../../src/store/memory-delivery-log.js';
import { testPrivateKey } from '../../support/github-double.js';
import { examplePayload } from '../../support/webhook-examples.js';

it('handles a merge again when its first handling failed, and not after it succeeded', async () => {
  const queued: MergedPull[] = [];
  let failures = 1;
  const merges = { add: async (merged: MergedPull) => { if (failures-- > 0) throw new Error('Redis is unreachable'); queued.push(merged); } };
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: ProbotOctokit, log: pino({ level: 'silent' }) as never });
  await probot.load(zeroopsApp({ deliveries: new MemoryDeliveryLog(), execution: { merges } as unknown as Execution }));
  const payload = examplePayload('pull_request', 'closed');
  Object.assign(payload.pull_request, { merged: true, merge_commit_sha: 'a'.repeat(40) });
  const deliver = () => probot.receive({ id: 'merge-delivery', name: 'pull_request', payload } as never);
  await expect(deliver()).rejects.toThrow('Redis is unreachable');
  await deliver();
  await deliver();
  expect(queued).toHaveLength(1);
  expect(queued[0]).toMatchObject({ mergeSha: 'a'.repeat(40), baseRef: payload.pull_request.base.ref, defaultBranch: payload.repository.default_branch });
});
