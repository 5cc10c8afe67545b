import { executesOn } from '../../../src/app/policy-basis.js';
import type { Config, Service, TaskManifest } from '../../../src/manifest/model.js';
import { describeYamlChange } from '../../../src/policy/describe-change.js';
import { diffGoverned, governedArea, scriptPath } from '../../../src/policy/governed-files.js';
import { governanceItems, strictestBar, type GovernedFileChange } from '../../../src/policy/governance.js';

const config = (policy: NonNullable<Config['spec']['policy']>, executeOn?: string[]): Config => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Config',
  spec: { policy, ...(executeOn ? { executeOn } : {}) },
});
const service = (name: string, owners: string[], restart?: string, environments = ['production']): Service => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    owners,
    environments,
    datacenters: [{ name: 'dc-a', haproxy: { backend: `${name}_dc_a`, servers: ['s'] } }],
    ...(restart ? { restart: { command: [restart] } } : {}),
  },
});
const task = (name: string, serviceName: string, kind: string, spec: Record<string, unknown>) =>
  ({ apiVersion: 'zeroops.dev/v1', kind, metadata: { name, service: serviceName }, spec }) as unknown as TaskManifest;
const serviceYaml = (name: string, owners: string) =>
  `apiVersion: zeroops.dev/v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  owners: [${owners}]\n`;

const context = {
  policy: config({ defaultApprovals: 1, rules: [{ env: 'production', risk: ['high' as const], required: 3 }] }),
  approvedServices: [service('checkout', ['alice', 'acme/sre'], 'scripts/restart.sh'), service('search', ['sam'])],
  proposedServices: [service('checkout', ['alice', 'acme/sre'], 'scripts/restart.sh'), service('search', ['sam'])],
  proposedTasks: [
    task('restart-checkout', 'checkout', 'Restart', { template: 'rolling@1' }),
    task('flush-search', 'search', 'Runbook', {
      steps: [
        { name: 'flush', action: { provider: 'command', operation: 'run', params: { argv: ['./scripts/flush.sh'] } } },
      ],
    }),
    task('drain', 'search', 'TrafficShift', { weights: {} }),
  ],
};
const change = (path: string, before?: string, after?: string): GovernedFileChange => ({
  path,
  area: governedArea(path)!,
  status: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified',
  before,
  after,
  ...(before !== undefined ? { beforeId: 'b' } : {}),
  ...(after !== undefined ? { afterId: `a-${after.length}` } : {}),
});

describe('governed files', () => {
  it('are the config folder, services, templates and scripts, compared by content', () => {
    expect(
      ['.zeroops/config.yaml', 'services/a.yaml', 'templates/t.yaml', 'scripts/x.sh', 'tasks/t.yaml', 'README.md'].map(
        governedArea,
      ),
    ).toEqual(['config', 'service', 'template', 'script', undefined, undefined]);
    const approved = [
      { path: 'services/a.yaml', id: '1' },
      { path: 'scripts/x.sh', id: '2' },
      { path: 'tasks/t.yaml', id: '3' },
      { path: 'templates/old.yaml', id: '4' },
    ];
    const proposed = [
      { path: 'services/a.yaml', id: '1' },
      { path: 'scripts/x.sh', id: '9' },
      { path: 'tasks/t.yaml', id: '8' },
      { path: 'services/b.yaml', id: '5' },
    ];
    expect(diffGoverned(approved, proposed)).toEqual([
      { path: 'scripts/x.sh', area: 'script', status: 'modified', beforeId: '2', afterId: '9' },
      { path: 'services/b.yaml', area: 'service', status: 'added', afterId: '5' },
      { path: 'templates/old.yaml', area: 'template', status: 'removed', beforeId: '4' },
    ]);
  });

  it('names a script only inside scripts/, without escapes', () => {
    expect(
      [
        'scripts/a.sh',
        './scripts/x/y.sh',
        'sh',
        '/bin/sh',
        'scripts/../bin/sh',
        'scripts//a',
        'scripts/./a',
        '../scripts/a',
      ].map(scriptPath),
    ).toEqual(['scripts/a.sh', 'scripts/x/y.sh', undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('governance items', () => {
  it('asks the strictest bar of the policy and an admin for a change to the config', () => {
    const [item] = governanceItems([change('.zeroops/config.yaml', 'a: 1\n', 'a: 2\n')], context);
    expect(item).toMatchObject({
      name: 'change .zeroops/config.yaml',
      required: 3,
      owners: [{ of: 'the repository', members: [] }],
    });
    expect(strictestBar(undefined)).toBe(1);
    expect(strictestBar(context.policy, ['staging'])).toBe(1);
    expect(strictestBar(context.policy, ['production'])).toBe(3);
    expect(strictestBar(config({ defaultApprovals: 0 }))).toBe(1);
  });

  it('asks the approved owners of a service, not the ones the change writes, and an admin for a new service', () => {
    const [changed, added] = governanceItems(
      [
        change('services/checkout.yaml', serviceYaml('checkout', 'alice'), serviceYaml('checkout', 'mallory')),
        change('services/new.yaml', undefined, serviceYaml('brand-new', 'mallory')),
      ],
      context,
    );
    // The strictest rule of the service's environments (production: 3), whatever the risk of a task.
    expect(changed).toMatchObject({
      required: 3,
      owners: [{ of: 'service checkout', members: ['alice', 'acme/sre'] }],
      affects: ['restart-checkout'],
    });
    expect(changed!.changes).toEqual(['modified: `spec.owners`: ["alice"] → ["mallory"]']);
    expect(added).toMatchObject({ owners: [{ of: 'service brand-new', members: [] }], affects: [] });
  });

  it("asks the owners of a service whose database a service file starts naming, and that service's bar", () => {
    const staging = (databases: string) =>
      `apiVersion: zeroops.dev/v1\nkind: Service\nmetadata: { name: sandbox }\nspec:\n  owners: [sam]\n` +
      `  environments: [staging]\n  databases: [${databases}]\n`;
    const withDb = (s: Service, name: string): Service => ({
      ...s,
      spec: { ...s.spec, databases: [{ name, engine: 'postgres' }] },
    });
    const sandbox = withDb(service('sandbox', ['sam'], undefined, ['staging']), 'sandbox_db');
    const claiming = withDb(service('sandbox', ['sam'], undefined, ['staging']), 'shop');
    const [item] = governanceItems(
      [change('services/sandbox.yaml', staging('{ name: sandbox_db }'), staging('{ name: shop }'))],
      {
        ...context,
        approvedServices: [withDb(context.approvedServices[0]!, 'shop'), sandbox],
        proposedServices: [withDb(context.approvedServices[0]!, 'shop'), claiming],
      },
    );
    expect(item).toMatchObject({
      required: 3,
      owners: [
        { of: 'service sandbox', members: ['sam'] },
        { of: 'service checkout', members: ['alice', 'acme/sre'] },
      ],
      source: expect.stringContaining('(and of checkout, which act on targets it names)'),
    });
  });

  it('asks the owners of every service whose tasks use a template or a script', () => {
    const template =
      'apiVersion: zeroops.dev/v1\nkind: Template\nmetadata: { name: rolling }\nspec: { kind: Restart }\n';
    const [tpl, restartScript, flushScript, unused] = governanceItems(
      [
        change('templates/rolling.yaml', template, template.replace('Restart }', 'Restart, x: 1 }')),
        change('scripts/restart.sh', 'a\n', 'b\n'),
        change('scripts/flush.sh', 'a\n', 'b\nc\n'),
        change('scripts/unused.sh', undefined, 'x\n'),
      ],
      context,
    );
    expect(tpl).toMatchObject({
      affects: ['restart-checkout'],
      owners: [{ of: 'service checkout', members: ['alice', 'acme/sre'] }],
    });
    expect(restartScript).toMatchObject({
      affects: ['restart-checkout'],
      owners: [{ of: 'service checkout', members: ['alice', 'acme/sre'] }],
    });
    expect(flushScript).toMatchObject({
      affects: ['flush-search'],
      owners: [{ of: 'service search', members: ['sam'] }],
      changes: ['modified: changes its content (1 → 2 lines)'],
    });
    // A helper no one names may be called by any script: the policy's strictest bar and an admin.
    expect(unused).toMatchObject({
      affects: [],
      owners: [{ of: 'the repository', members: [] }],
      required: 3,
      changes: ['added: adds the file (1 lines)'],
    });
  });

  it('fingerprints the content a change leaves, so a later push needs a new approval', () => {
    const [a] = governanceItems([change('scripts/x.sh', 'a\n', 'b\n')], context);
    const [b] = governanceItems([change('scripts/x.sh', 'a\n', 'bb\n')], context);
    const [c] = governanceItems([change('scripts/x.sh', 'z\n', 'b\n')], context);
    expect(a!.fingerprint).not.toBe(b!.fingerprint);
    expect(a!.fingerprint).toBe(c!.fingerprint);
  });
});

describe('describing a change', () => {
  it('lists every value that differs, by path, and ignores reordered documents', () => {
    const before = 'kind: Config\nspec:\n  policy: { defaultApprovals: 1, requireOwner: true }\n  windows: []\n';
    const after = 'kind: Config\nspec:\n  policy: { defaultApprovals: 0 }\n  freezes: []\n';
    expect(describeYamlChange('c.yaml', before, after)).toEqual([
      '`spec.freezes`: set to []',
      '`spec.policy.defaultApprovals`: 1 → 0',
      '`spec.policy.requireOwner`: removed (was true)',
      '`spec.windows`: removed (was [])',
    ]);
    const two = 'kind: A\nmetadata: { name: x }\n---\nkind: B\nmetadata: { name: y }\n';
    expect(
      describeYamlChange(
        't.yaml',
        two,
        two
          .split('---\n')
          .reverse()
          .join('---\n')
          .replace(/name: y }$/, 'name: y }\n'),
      ),
    ).toEqual([]);
    expect(describeYamlChange('t.yaml', 'a: 1\n', 'a: [\n')).toEqual([
      'the file does not parse as YAML: see the findings',
    ]);
    // A document that contains itself (a YAML alias loop) is refused by the loader, never followed.
    expect(describeYamlChange('t.yaml', 'a: 1\n', 'a: &m { name: x, self: *m }\n')).toEqual([
      'the file does not parse as YAML: see the findings',
    ]);
  });
});

describe('which branches execute', () => {
  it('is the default branch, and those the approved config lists', () => {
    const policy = config({}, ['release/*', 'hotfix/**']);
    expect(executesOn('main', 'main', undefined).yes).toBe(true);
    expect(executesOn('release/1.2', 'main', policy).yes).toBe(true);
    expect(executesOn('release/1/2', 'main', policy).yes).toBe(false);
    expect(executesOn('hotfix/a/b', 'main', policy).yes).toBe(true);
    expect(executesOn('releases', 'main', policy).yes).toBe(false);
    expect(executesOn('feature', 'main', policy)).toEqual({
      yes: false,
      because:
        "`feature` is not the default branch `main` and `main`'s config does not list it in spec.executeOn, so merging into it executes nothing",
    });
  });
});
