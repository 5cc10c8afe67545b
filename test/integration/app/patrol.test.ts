/**
 * The patrol's use cases on the embedded store, with a forge kept in memory and a metrics source
 * that serves series as functions of time: an incident is filed once and updated in place, a person
 * confirms the remediation, the run is verified afterwards, the incident resolves and its close
 * drafts a postmortem; a Prometheus that does not answer is a notice, not an incident.
 */
import { incidentClosed } from '../../../src/app/incident-closed.js';
import { proseWriter } from '../../../src/app/incident-prose.js';
import { remediateOnRequest } from '../../../src/app/remediate.js';
import { runInspection, type PatrolDeps } from '../../../src/app/run-inspection.js';
import { verifyRemediation } from '../../../src/app/verify-remediation.js';
import { TemplateExplainer } from '../../../src/diagnose/explain/explainer.js';
import type { MetricsSource } from '../../../src/observe/metrics-source.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';
import { aPatrolIncident, anIncident } from '../../support/incidents.js';

const storeOf = embeddedStorePerTest('patrol-');
const repo = { owner: 'acme', repo: 'ops', defaultBranch: 'main' };

const service = `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: checkout }
spec:
  owners: [alice]
  environments: [production]
  datacenters:
    - { name: dc-a, haproxy: { backend: checkout_dc_a, servers: [checkout-a1, checkout-a2] } }
  restart: { command: [scripts/restart-instance.sh] }
  labels: { datacenter: dc, version: version, instance: instance_name }
  limits: { memory: 512Mi }
  metrics:
    goroutines: { query: 'max(go_goroutines)', series: 'go_goroutines', role: goroutines }
    requests: { query: 'sum(rate(x[$window]))', series: 'rate(x[$window])', role: traffic }
  inspections:
    - { name: goroutine-leak, metric: goroutines, detect: leak, every: 10s, window: 300s, remediate: rolling-restart }
`;
const config = (autonomy: string) => `apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: production
  providers: { prometheus: { url: "http://prometheus.invalid", scrapeInterval: 1s } }
  autonomy: { default: ${autonomy} }
  incidents: { resolvedAfter: 30s, closeWhenResolved: true }
`;

/** When the leak began: five minutes before the first inspection. */
const leakBegan = Date.parse('2026-12-02T09:55:00Z') / 1000;

/** Goroutines of two instances: `leaking` says whether they climb at 40/s (since leakBegan) or sit flat at 14. */
function fleetMetrics(state: { leaking: boolean; down?: boolean }): MetricsSource {
  const series = (query: string, start: number, end: number) =>
    ['checkout-a1', 'checkout-a2'].map((instance) => ({
      labels: { instance_name: instance, dc: 'dc-a', version: 'v1.3.0', instance: `${instance}:9000` },
      points: Array.from({ length: end - start + 1 }, (_, i): [number, number] => [
        start + i,
        query.startsWith('go_goroutines') ? (state.leaking ? 14 + 40 * (start + i - leakBegan) : 14) + (i % 3) : 13,
      ]),
    }));
  return {
    instant: async () => [],
    range: async (query, start, end) => {
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
      return series(query, start, end);
    },
  };
}

function world(autonomy: string, state: { leaking: boolean; down?: boolean }) {
  const forge = new FakeForge();
  forge.trees.set('main-head', {
    '.zeroops/config.yaml': config(autonomy),
    'services/checkout.yaml': service,
    'scripts/restart-instance.sh': '#!/bin/sh\n',
  });
  let now = Date.parse('2026-12-02T10:00:00Z');
  const scheduled: string[] = [];
  const deps: PatrolDeps = {
    forge,
    store: storeOf(),
    clock: () => new Date(now),
    log: quietLog,
    prose: proseWriter(new TemplateExplainer()),
    scheduler: { later: async (id) => void scheduled.push(id) },
    metricsFor: () => fleetMetrics(state),
    profiles: { fetch: async () => 'goroutine profile: total 0\n', fetchHeap: async () => ({ total: 0, groups: [] }) },
    profileSeconds: 0,
  };
  return { forge, deps, scheduled, tick: (seconds: number) => (now += seconds * 1000) };
}

const target = { repo, service: 'checkout', inspection: 'goroutine-leak' };

describe('a leak found by the patrol, under confirm', () => {
  it('is one incident updated in place, remediated when a writer asks, verified, resolved, and closed with a postmortem', async () => {
    const state = { leaking: true };
    const { forge, deps, scheduled, tick } = world('confirm', state);
    await storeOf().saveRepo(repo);
    const first = await runInspection(deps, target);
    expect(first).toMatchObject({ kind: 'incident', issueNumber: 100 });
    tick(10);
    await runInspection(deps, target);
    expect(forge.issues).toHaveLength(1);
    const [issue] = forge.issues;
    expect(issue!.title).toBe('Goroutine leak in checkout v1.3.0: +80 goroutines/s');
    expect(issue!.labels).toEqual([
      'zeroops',
      'incident',
      `severity:${issue!.labels[2]!.split(':')[1]}`,
      'service:checkout',
      'class:goroutine-leak',
    ]);
    expect(issue!.body).toContain('```mermaid\nxychart-beta');
    expect(issue!.body).toContain('| 1 | Rolling restart of checkout | buys time');
    expect(issue!.body).toContain('confirm: comment `/zeroops remediate rolling-restart` (write access)');
    expect(forge.said(100).filter((c) => c.includes('/zeroops remediate rolling-restart'))).toHaveLength(1);
    expect(scheduled).toEqual([]);

    const answer = await remediateOnRequest(deps, { repo, number: 100 }, 'rolling-restart', 'alice');
    expect(answer).toMatch(/^▶ rolling-restart is running as run `[0-9a-f-]+`\.$/);
    const run = (await storeOf().runs({ repo: 'ops' }))[0]!;
    expect(run).toMatchObject({
      pullNumber: 100,
      startedBy: 'alice',
      incident: { issueNumber: 100, option: 'rolling-restart' },
    });
    expect(run.plan.task.kind).toBe('Restart');
    expect(run.plan.steps.map((s) => s.title)).toEqual(
      expect.arrayContaining(['Restart checkout-a1', 'Restart checkout-a2']),
    );
    expect(scheduled).toEqual([run.id]);

    // The run succeeded, and the goroutines are back at their baseline.
    await storeOf().saveRun({
      ...run,
      status: 'succeeded',
      finishedAt: new Date().toISOString(),
      version: run.version + 1,
    });
    state.leaking = false;
    tick(60);
    expect(await verifyRemediation(deps, run.id, repo)).toBe('fixed');
    expect(forge.said(100).join('\n')).toMatch(
      /✅ \*\*rolling-restart worked\*\*: goroutines back to \d\d after the restart \(baseline \d\d, [\d,]+ before the remediation\)\./,
    );
    expect(forge.proposals.map((p) => p.branch)).toEqual(['zeroops/autonomy-checkout-goroutine-leak-rolling-restart']);
    expect(forge.proposals[0]!.files['.zeroops/config.yaml']).toMatch(
      /rules:\n\s+- service: checkout\n\s+class: goroutine-leak\n\s+remediation: rolling-restart\n\s+level: auto/,
    );

    // Quiet for longer than resolvedAfter: resolved and, by policy, closed.
    expect((await runInspection(deps, target)).kind).toBe('quiet');
    tick(40);
    await runInspection(deps, target);
    expect(forge.issues[0]!.state).toBe('closed');
    expect(forge.issues[0]!.labels).toContain('resolved');
    await incidentClosed(deps, repo, 100, 'zeroops[bot]');
    const postmortem = forge.proposals.find((p) => p.branch === 'zeroops/postmortem-100')!;
    const [path, markdown] = Object.entries(postmortem.files)[0]!;
    expect(path).toMatch(/^postmortems\/2026-12-0\d-goroutine-leak-in-checkout-v1-3-0/);
    expect(markdown).toMatch(/## Summary[\s\S]*## Impact[\s\S]*## Root cause[\s\S]*## Timeline/);
    expect(markdown).toContain('rolling-restart');
  });
});

it('under auto, runs the first remediation on its own, once', async () => {
  const { forge, deps, scheduled, tick } = world('auto', { leaking: true });
  await storeOf().saveRepo(repo);
  await runInspection(deps, target);
  tick(10);
  await runInspection(deps, target);
  expect(scheduled).toHaveLength(1);
  expect(forge.said(100)[0]).toMatch(/^▶ ZeroOps runs, as the policy allows, \*\*Rolling restart of checkout\*\*/);
});

it('files a monitoring-gap notice, not an incident, when Prometheus does not answer, and closes it when it does', async () => {
  const state = { leaking: false, down: true };
  const { forge, deps } = world('confirm', state);
  expect(await runInspection(deps, target)).toMatchObject({ kind: 'gap' });
  expect(forge.issues[0]).toMatchObject({ labels: ['zeroops', 'monitoring-gap'], state: 'open' });
  expect(forge.issues[0]!.body).toContain('connect ECONNREFUSED 127.0.0.1:9090');
  await runInspection(deps, target);
  expect(forge.issues).toHaveLength(1);
  state.down = false;
  expect((await runInspection(deps, target)).kind).toBe('quiet');
  expect(forge.issues[0]!.state).toBe('closed');
});

it('says plainly when a remediation did not bring the leak down, escalates and calls the owners', async () => {
  const { forge, deps, tick } = world('auto', { leaking: true });
  await storeOf().saveRepo(repo);
  await runInspection(deps, target);
  const run = (await storeOf().runs({ repo: 'ops' }))[0]!;
  await storeOf().saveRun({
    ...run,
    status: 'succeeded',
    finishedAt: new Date().toISOString(),
    version: run.version + 1,
  });
  tick(60);
  expect(await verifyRemediation(deps, run.id, repo)).toBe('not fixed');
  expect(forge.said(100).at(-1)).toMatch(
    /^⚠️ \*\*rolling-restart did not fix it\*\*: goroutines still at [\d,]+ after the restart .* Escalated to sev\d\. @alice please look/,
  );
  expect(forge.issues[0]!.labels.find((l) => l.startsWith('severity:'))).not.toBe(
    `severity:${(await storeOf().incident('acme/ops#100'))!.patrol!.diagnosis.severity}`,
  );
  expect(forge.proposals).toEqual([]);
});

it('shows past incidents of the same service and cause on a new one, with what fixed them', async () => {
  const { forge, deps } = world('confirm', { leaking: true });
  await storeOf().saveRepo(repo);
  const fixedLast = (number: number) =>
    anIncident({
      id: `acme/ops#${number}`,
      issueNumber: number,
      state: 'closed',
      patrol: aPatrolIncident({ resolvedAt: '2026-11-25T00:14:00.000Z' }),
    });
  await storeOf().saveIncident(fixedLast(7));
  await storeOf().saveIncident(
    anIncident({
      id: 'acme/ops#8',
      issueNumber: 8,
      fingerprint: 'patrol|acme/ops|payments|production|goroutine-leak|',
      patrol: aPatrolIncident({ service: 'payments' }),
    }),
  );
  await runInspection(deps, target);
  const body = forge.issues[0]!.body;
  expect(body).toContain('### Seen before');
  expect(body).toContain('| #7 | 2026-11-25 00:00 | 14 min | `rolling-restart` ✔ fixed it |');
  expect(body).not.toContain('| #8 |');
});

it('proposes a template once a remediation fixed two incidents of the service, as the second closes', async () => {
  const { forge, deps } = world('confirm', { leaking: false });
  const fixedByRestart = (number: number, state: 'open' | 'closed') =>
    anIncident({
      id: `acme/ops#${number}`,
      issueNumber: number,
      state,
      fingerprint: `fp-${number}`,
      patrol: aPatrolIncident({
        remediations: [
          {
            option: 'restart-instance',
            by: 'zeroops',
            at: 't',
            status: 'succeeded',
            verdict: { fixed: true, text: '', at: 't' },
          },
        ],
      }),
    });
  await storeOf().saveIncident(fixedByRestart(7, 'closed'));
  await storeOf().saveIncident(fixedByRestart(8, 'open'));
  forge.issues.push({
    number: 8,
    title: 'Goroutine leak',
    body: '',
    state: 'closed',
    labels: [],
    author: 'zeroops[bot]',
  });
  await incidentClosed(deps, repo, 8, 'alice');
  const proposal = forge.proposals.find((p) => p.branch === 'zeroops/template/restart-instance-checkout-v1');
  expect(proposal?.title).toBe('Template restart-instance-checkout@1, from experience');
  expect(proposal?.files['templates/restart-instance-checkout.yaml']).toContain('batchSize: 1');
});
