/**
 * The datacenter watch as patrol jobs on the embedded store, with a forge in memory and scripted
 * scrapes: the sync schedules it, each job is one scrape that picks up where the last one stopped,
 * `confirm` autonomy asks on the incident and `/zeroops failover dc-a` drains at the next scrape,
 * and every decision is in the service's event chain.
 */
import { confirmFailover, runDatacenterWatch, type WatchJobDeps } from '../../../src/app/run-datacenter-watch.js';
import { syncPatrols } from '../../../src/app/sync-patrols.js';
import { DatacenterWatch } from '../../../src/app/watch-datacenters.js';
import { weightsFor } from '../../../src/failover/capacity.js';
import { defaultThresholds } from '../../../src/failover/signals.js';
import { watchSettingsOf } from '../../../src/failover/watch-settings.js';
import { loadDocuments } from '../../../src/manifest/load.js';
import { incidentClosed } from '../../../src/app/incident-closed.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';

const storeOf = embeddedStorePerTest('watch-');
const repo = { owner: 'acme', repo: 'ops', defaultBranch: 'main' };
const dcs = ['dc-a', 'dc-b', 'dc-c'];

const service = `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: checkout }
spec:
  owners: [alice]
  environments: [production]
  datacenters:
${dcs.map((dc) => `    - { name: ${dc}, haproxy: { backend: b_${dc.slice(3)}, servers: [${dc}-1] } }`).join('\n')}
  labels: { datacenter: dc, version: version, instance: instance_name }
  metrics:
    latency_p99: { query: 'max(x)', series: 'max by (dc, instance_name) (x[$window])', unit: seconds }
  failover: { every: 5s, enterAfter: 10s }
`;
const config = `apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: production
  providers: { prometheus: { url: "http://prometheus.invalid" }, haproxy: { socket: /run/haproxy.sock } }
  autonomy: { default: confirm }
`;

function world() {
  const forge = new FakeForge();
  forge.trees.set('main-head', { '.zeroops/config.yaml': config, 'services/checkout.yaml': service });
  let now = Date.parse('2026-12-03T10:00:00Z');
  const slow = { since: Infinity };
  const commands: string[] = [];
  const deps: WatchJobDeps = {
    forge,
    store: storeOf(),
    clock: () => new Date(now),
    log: quietLog,
    watchFor: (svc, _config, options) =>
      new DatacenterWatch(
        {
          read: async () => ({
            at: now,
            samples: dcs.map((dc) => ({
              dc,
              p99Ms: dc === 'dc-a' && now >= slow.since ? 800 : 100 + ((now / 1000) % 3),
              errorRatio: 0,
              timeoutRatio: 0,
              rps: 100,
              instances: [],
            })),
            queries: { latency: svc.spec.metrics!.latency_p99!.series! },
          }),
          apply: async (keep) => {
            const weights = weightsFor({ 'dc-a': 100, 'dc-b': 100, 'dc-c': 100 }, keep);
            const sent = Object.entries(weights).map(([dc, w]) => ({
              dc,
              weight: w,
              command: `set weight p/${dc} ${w}`,
            }));
            commands.push(...sent.map((c) => c.command));
            return sent;
          },
          eject: async () => undefined,
          probe: async () => undefined,
          record: options.record,
          confirmed: () => options.confirmed,
          autonomy: options.autonomy,
          capacity: watchSettingsOf(svc).capacity,
          thresholds: defaultThresholds,
          timing: watchSettingsOf(svc).timing,
        },
        options.state,
      ),
  };
  const scrape = async () => {
    const result = await runDatacenterWatch(deps, { repo, service: 'checkout' });
    now += 5000;
    return result;
  };
  return { forge, deps, scrape, commands, slowFromNow: () => (slow.since = now), heal: () => (slow.since = Infinity) };
}

describe('the datacenter watch as patrol jobs', () => {
  it('is scheduled at its cadence for a service with a failover section', async () => {
    const { deps } = world();
    await deps.store.saveRepo(repo);
    const scheduled = await syncPatrols({ ...deps, forgeFor: async () => deps.forge, schedule: async () => undefined });
    expect(scheduled).toEqual([{ repo, service: 'checkout', inspection: 'datacenter-watch', everySeconds: 5 }]);
  });

  it('asks under confirm, drains at the scrape after /zeroops failover, and keeps it all in the chain', async () => {
    const { forge, deps, scrape, commands, slowFromNow } = world();
    await deps.store.saveRepo(repo);
    for (let i = 0; i < 8; i++) await scrape();
    expect(forge.issues).toEqual([]);

    const early = await confirmFailover(deps, { repo, number: 100 }, 'dc-a', 'carol');
    expect(early).toBe('this issue is not a datacenter incident of the watch; nothing was done.');

    slowFromNow();
    for (let i = 0; i < 5; i++) await scrape();
    expect(forge.issues).toHaveLength(1);
    const issue = forge.issues[0]!;
    expect(issue.body).toContain('comment `/zeroops failover dc-a` to drain it');
    expect(commands).toEqual([]);

    // A person's own issue with the same labels is not the watch's incident.
    forge.issues.push({ ...issue, number: 555, author: 'mallory', labels: [...issue.labels] });
    expect(await confirmFailover(deps, { repo, number: 555 }, 'dc-a', 'mallory')).toBe(
      'this issue is not a datacenter incident of the watch; nothing was done.',
    );
    expect(await confirmFailover(deps, { repo, number: issue.number }, 'dc-b', 'carol')).toBe(
      'dc-b is not waiting for a confirmation (serving); nothing was done.',
    );
    expect(await confirmFailover(deps, { repo, number: issue.number }, 'dc-a', 'carol')).toMatch(
      /^▶ dc-a will be drained at the next scrape/,
    );
    await scrape();
    expect(commands).toEqual(['set weight p/dc-a 0', 'set weight p/dc-b 150', 'set weight p/dc-c 150']);
    expect(forge.issues[0]!.title).toBe('checkout: dc-a degraded, at 0 % of its traffic');

    const chain = await deps.store.events('datacenter-watch/acme/ops/checkout');
    expect(chain.map((e) => e.type)).toEqual(['watch-ask', 'watch-drain']);
    expect(chain[1]!.data).toMatchObject({ decision: { dc: 'dc-a', keep: 0 } });
  });

  it('proposes the warm-up that worked as an SOP template once dc-a is back, and only once', async () => {
    const { forge, deps, scrape, slowFromNow, heal } = world();
    await deps.store.saveRepo(repo);
    for (let i = 0; i < 8; i++) await scrape();
    slowFromNow();
    for (let i = 0; i < 4; i++) await scrape();
    await confirmFailover(deps, { repo, number: forge.issues[0]!.number }, 'dc-a', 'carol');
    await scrape();
    heal();
    for (let i = 0; i < 60 && forge.proposals.length === 0; i++) await scrape();
    expect(forge.issues[0]!.labels).toContain('resolved');
    expect(forge.proposals).toHaveLength(1);
    const [proposal] = forge.proposals;
    expect(proposal!.title).toBe(`SOP template dc-latency-failover v1, from incident #${forge.issues[0]!.number}`);
    const text = proposal!.files['templates/dc-latency-failover.yaml']!;
    const loaded = loadDocuments([{ path: 'templates/dc-latency-failover.yaml', text }]);
    expect(loaded.diagnostics).toEqual([]);
    // Four steps of 30 s, gated on 1.2 × dc-a's p99 baseline (101 ms): 122 ms, rounded up to 130 ms; the service has no
    // error metric, so no error gate.
    expect(loaded.templates[0]!.manifest.spec.versions).toEqual([
      { version: 1, defaults: { steps: 4, interval: '30s', analysis: [{ metric: 'latency_p99', max: '130ms' }] } },
    ]);
    expect(forge.comments.at(-1)!.body).toBe(`Proposed the response as a reusable SOP template: #${proposal!.number}.`);
    for (let i = 0; i < 5; i++) await scrape();
    expect(forge.proposals).toHaveLength(1);

    // Closing the issue drafts the postmortem from the episode.
    await incidentClosed(deps, repo, forge.issues[0]!.number, 'carol');
    expect(forge.proposals).toHaveLength(2);
    const postmortem = Object.entries(forge.proposals[1]!.files)[0]!;
    expect(postmortem[0]).toMatch(/^postmortems\/2026-12-03-.*\.md$/);
    expect(postmortem[1]).toContain('dc-a p99 800 ms against its own baseline');
    expect(postmortem[1]).toContain('set weight p/dc-a 0');
  });
});
