/**
 * Every fixture in test/fixtures/mistakes is one mistake a person makes in an ops repo. Each must
 * yield its finding at the right file, line and column, with a message that says what would be right.
 */
import { readdir } from 'node:fs/promises';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { fixtureFile, fixturesDir, templateRepoFiles } from '../../support/ops-repo.js';

const expected: [string, string][] = [
  [
    'alias-bomb.yaml',
    'alias-bomb.yaml:1:1 error yaml: too many aliases (*name): ' +
      'the file expands to far more than it shows, so it is not read',
  ],
  [
    'bad-duration.yaml',
    "bad-duration.yaml:9:13 error spec.interval: '10 minutes' is not a duration: write e.g. 30s, 10m or 1h30m",
  ],
  [
    'bad-identifier.yaml',
    "bad-identifier.yaml:9:12 error spec.replaceColumn.table: 'user_profile; --' is not a table name: table or " +
      'schema.table, in lower-case letters, digits and _',
  ],
  [
    'replace-zeroops-table.yaml',
    "replace-zeroops-table.yaml:9:12 error spec.replaceColumn.table: zeroops is ZeroOps' own (backfill progress, " +
      'column snapshots, the definitions a rollback builds again): a SchemaChange never changes it',
  ],
  [
    'replace-into-retired-name.yaml',
    'replace-into-retired-name.yaml:11:9 error spec.replaceColumn.to: column_1 is retired as column_1_deprecated ' +
      'before its drop: name the new column otherwise',
  ],
  [
    'bad-name.yaml',
    "bad-name.yaml:4:9 error metadata.name: 'Checkout_V2' is not valid: " +
      'lower-case letters, digits and dashes, like a Kubernetes name',
  ],
  [
    'bad-template-ref.yaml',
    "bad-template-ref.yaml:8:13 error spec.template: 'canary-v2' is not a template reference: " +
      'write name@version, e.g. canary@2',
  ],
  [
    'bad-threshold.yaml',
    "bad-threshold.yaml:11:12 error spec.analysis[0].max: 'lots' is not a limit for 'error_rate' (ratio): " +
      'write 2% or 0.02',
  ],
  [
    'config-bad-timezone.yaml',
    'config-bad-timezone.yaml:9:17 error spec.windows[0].timezone: ' +
      "'Mars/Olympus' is not an IANA time zone, e.g. Europe/Berlin or Asia/Shanghai",
  ],
  [
    'config-inline-secret.yaml',
    'config-inline-secret.yaml:8:16 error spec.providers.postgres.databases.shop.url: ' +
      'expected an object, got a string: a secret is never written in the repo: ' +
      'name the environment variable that holds it',
  ],
  [
    'config-notify-own-credential.yaml',
    'config-notify-own-credential.yaml:9:23 error spec.providers.notify.channels[0].url.env: ' +
      "WEBHOOK_SECRET is one of ZeroOps' own credentials or another provider's secret: " +
      'a chat robot is never given it; give the robot a variable of its own, e.g. SLACK_WEBHOOK_URL',
  ],
  [
    'config-password-in-url.yaml',
    'config-password-in-url.yaml:6:12 error spec.providers.prometheus.url: the URL carries a password: ' +
      'put it in an environment variable and use bearerToken: { env: NAME }',
  ],
  [
    'config-secret-key.yaml',
    "config-secret-key.yaml:9:5 error spec.set.db_password: 'db_password' looks like a secret: " +
      'secrets never go in the ops repo; set them in your secret store and reference them',
  ],
  [
    'deprecated-template.yaml',
    'deprecated-template.yaml:8:13 warning spec.template: canary@1 is deprecated: pin canary@2',
  ],
  [
    'duplicate-name-in-file.yaml',
    'duplicate-name-in-file.yaml:4:9 error metadata.name: ' +
      "task name 'twice' is also used in duplicate-name-in-file.yaml:13: names must be unique",
  ],
  [
    'duplicate-name-in-repo.yaml',
    'duplicate-name-in-repo.yaml:4:9 error metadata.name: ' +
      "task name 'checkout-v1-0' is also used in tasks/canary-v1-0.yaml:5: names must be unique",
  ],
  [
    'gate-without-limit.yaml',
    "gate-without-limit.yaml:10:7 error spec.analysis[0]: the gate on 'error_rate' sets no limit: add max or min",
  ],
  [
    'haproxy-name-injection.yaml',
    'haproxy-name-injection.yaml:10:49 error spec.datacenters[0].haproxy.servers[0]: ' +
      '"p1\\nshutdown sessions server" is not valid: ' +
      'write an HAProxy backend or server name with letters, digits, _ . : ' +
      'and - only (nothing that could end a command on its admin socket)',
  ],
  [
    'missing-kind.yaml',
    "missing-kind.yaml:1:1 error kind: 'kind' is required: " +
      'one of Rollout, TrafficShift, Restart, Scale, ConfigUpdate, SchemaChange, Runbook, Service, Config, Template',
  ],
  ['missing-service.yaml', "missing-service.yaml:3:1 error metadata.service: 'service' is required"],
  [
    'missing-steps.yaml',
    'missing-steps.yaml:6:1 error spec: spec.steps is missing: set it, or pin a template that provides it',
  ],
  [
    'missing-template-version.yaml',
    "missing-template-version.yaml:8:13 error spec.template: template 'canary' has no version 7 (versions: 1, 2)",
  ],
  [
    'not-a-mapping.yaml',
    'not-a-mapping.yaml:1:1 error (document): expected a mapping with apiVersion, kind, metadata and spec',
  ],
  ['not-a-percent.yaml', "not-a-percent.yaml:8:11 error spec.steps[0]: 'five%' is not a percentage: write e.g. 20%"],
  ['percent-over-100.yaml', 'percent-over-100.yaml:8:20 error spec.steps[2]: 150% is over 100%'],
  [
    'replaces-unknown.yaml',
    'replaces-unknown.yaml:9:13 error spec.replaces: ' +
      "no task named 'checkout-v0-9' in tasks/ (did you mean checkout-v1-0?)",
  ],
  [
    'restart-batch-empties-datacenter.yaml',
    'restart-batch-empties-datacenter.yaml:7:14 error spec.batchSize: ' +
      'batch 1 of 4 would take every instance of dc-a out while it serves traffic: use at most 3',
  ],
  [
    'restart-batch-too-big.yaml',
    'restart-batch-too-big.yaml:7:14 error spec.batchSize: a batch of 6 restarts all 6 instances at once: ' +
      'use at most 3',
  ],
  [
    'runbook-cycle.yaml',
    'runbook-cycle.yaml:10:14 error spec.steps[0].needs: steps wait for each other in a circle: one → two → one',
  ],
  [
    'runbook-shell-string.yaml',
    'runbook-shell-string.yaml:12:9 error spec.steps[0].action.params: ' +
      'a command action needs params.argv, a list of strings such as [scripts/flush-cache.sh, --dc, ' +
      'dc-a] (never a shell string)',
  ],
  [
    'runbook-program-outside-scripts.yaml',
    'runbook-program-outside-scripts.yaml:12:26 error spec.steps[0].action.params.argv[0]: ' +
      "'sh' is not a script of this repository: " +
      'a command runs a file under scripts/ (e.g. scripts/flush-cache.sh), so what runs is reviewed with the change',
  ],
  [
    'runbook-unknown-need.yaml',
    'runbook-unknown-need.yaml:10:15 error spec.steps[0].needs[0]: ' +
      "no step named 'warm-cahce' (did you mean warm-cache?)",
  ],
  [
    'runbook-unknown-provider.yaml',
    "runbook-unknown-provider.yaml:9:27 error spec.steps[0].action.provider: 'ansible' is not one of haproxy, " +
      'kubernetes, command, webhook, prometheus, notify',
  ],
  [
    'scale-without-kubernetes.yaml',
    'scale-without-kubernetes.yaml:5:12 error metadata.service: ' +
      "service 'checkout' has no kubernetes workload in dc-a, dc-b, dc-c: Scale needs one per datacenter",
  ],
  [
    'schema-change-nothing.yaml',
    'schema-change-nothing.yaml:6:1 error spec: say what to change: spec.sql or spec.replaceColumn',
  ],
  [
    'service-failover-capacity.yaml',
    "service-failover-capacity.yaml:14:28 error spec.failover.capacity.dc-x: 'dc-x' is not a datacenter of the " +
      'service: write one of dc-a, dc-b',
  ],
  [
    'service-failover-timeouts.yaml',
    "service-failover-timeouts.yaml:14:15 error spec.failover.timeouts: no metric 'timeout_ratio' in spec.metrics: " +
      'name the metric whose series is the share of requests that timed out',
  ],
  [
    'service-failover-warm-up.yaml',
    'service-failover-warm-up.yaml:14:19 error spec.failover.warmUp[1]: warm-up steps must rise: ' +
      'each above the one before',
  ],
  [
    'service-owner-handle.yaml',
    "service-owner-handle.yaml:6:12 error spec.owners[0]: '@carol' is not valid: " +
      'write a GitHub login (alice) or a team as org/team-slug (acme/payments), without @',
  ],
  [
    'service-program-outside-scripts.yaml',
    'service-program-outside-scripts.yaml:11:24 error spec.restart.command[0]: ' +
      "'/usr/bin/systemctl' is not a script of this repository: " +
      'a command runs a file under scripts/ (e.g. scripts/flush-cache.sh), so what runs is reviewed with the change',
  ],
  [
    'service-unknown-metric.yaml',
    'service-unknown-metric.yaml:14:31 error spec.inspections[0].metric: ' +
      "no metric 'eror_rate' in spec.metrics (did you mean error_rate?)",
  ],
  [
    'sql-and-replace.yaml',
    'sql-and-replace.yaml:9:3 error spec.replaceColumn: give either spec.sql or spec.replaceColumn, not both',
  ],
  ['sql-delete-all.yaml', 'sql-delete-all.yaml:8:8 error spec.sql: refused: DELETE without WHERE removes every row'],
  [
    // A reg* type's input looks each value up in the catalog, and its error quotes the value.
    'sql-catalog-type.yaml',
    'sql-catalog-type.yaml:12:11 error spec.replaceColumn.type: a regclass column looks every value up in the ' +
      'catalog, and the preflight would run that before approval: choose a plain type (text, oid)',
  ],
  [
    'sql-injection-using.yaml',
    'sql-injection-using.yaml:13:12 error spec.replaceColumn.using: ' +
      'using must be one SQL expression over the old column, e.g. column_1::jsonb: it is not one SQL expression',
  ],
  [
    'sql-not-null-column.yaml',
    'sql-not-null-column.yaml:8:8 error spec.sql: refused: ' +
      'adding NOT NULL column tier without a DEFAULT fails on a table that has rows: ' +
      'add a DEFAULT, or add it nullable and backfill',
  ],
  [
    'sql-syntax.yaml',
    'sql-syntax.yaml:10:7 error spec.sql: SQL does not parse as PostgreSQL: syntax error at or near "DROPP"',
  ],
  [
    'sql-lock-timeout.yaml',
    'sql-lock-timeout.yaml:7:16 error spec.lockTimeout: ' +
      'a DDL waiting 10h for its lock holds every query on the table ' +
      'behind it that long: use 5s or less (the default 200ms is retried with backoff)',
  ],
  [
    'sql-type-number.yaml',
    // A description that starts with an acronym keeps its capitals: "SQL", not "sQL".
    'sql-type-number.yaml:8:77 error spec.replaceColumn.type: expected a string, got number 5: ' +
      'SQL type of the new column',
  ],
  [
    // Found where it is written: folded lines and escapes do not move it.
    'sql-folded.yaml',
    'sql-folded.yaml:11:5 error spec.sql: refused: TRUNCATE deletes every row and cannot be undone',
  ],
  [
    'sql-escaped.yaml',
    'sql-escaped.yaml:8:63 error spec.sql: refused: TRUNCATE deletes every row and cannot be undone',
  ],
  [
    'sql-truncate.yaml',
    'sql-truncate.yaml:10:5 error spec.sql: refused: TRUNCATE deletes every row and cannot be undone',
  ],
  [
    'steps-fraction.yaml',
    'steps-fraction.yaml:8:11 error spec.steps[0]: 0.05 is read as 0.05%: ' +
      'did you mean 5%? Write percentages with %, e.g. 5% (or 0.05% if you meant that)',
  ],
  ['steps-descending.yaml', 'steps-descending.yaml:10:7 error spec.steps[1]: steps must ascend: 20% comes after 50%'],
  [
    'template-kind-mismatch.yaml',
    'template-kind-mismatch.yaml:8:13 error spec.template: ' +
      "template 'rolling-restart' is for Restart tasks, not Rollout",
  ],
  [
    'template-unknown-field.yaml',
    'template-unknown-field.yaml:11:9 error spec.versions[0].defaults.intervall: ' +
      "'intervall' is not a field of Rollout (did you mean interval?)",
  ],
  [
    'threshold-unit.yaml',
    "threshold-unit.yaml:11:12 error spec.analysis[0].max: '2%' is not a limit for 'latency_p95' (seconds): " +
      'a percentage fits a ratio metric, but this one is in seconds',
  ],
  ['traffic-steps-too-many.yaml', 'traffic-steps-too-many.yaml:8:10 error spec.steps: must be <= 10'],
  [
    'traffic-to-nowhere.yaml',
    'traffic-to-nowhere.yaml:7:12 error spec.weights: every datacenter would be at 0%: ' +
      'the service would receive no traffic at all',
  ],
  [
    'traffic-unknown-dc.yaml',
    'traffic-unknown-dc.yaml:8:5 error spec.weights.dc-x: ' +
      "service 'checkout' has no datacenter 'dc-x' (did you mean dc-a?)",
  ],
  [
    'unknown-database.yaml',
    "unknown-database.yaml:7:13 error spec.database: service 'checkout' has no database 'shpo' (did you mean shop?)",
  ],
  [
    'unknown-datacenter.yaml',
    'unknown-datacenter.yaml:7:23 error spec.datacenters[1]: ' +
      "service 'checkout' has no datacenter 'dc-d' (did you mean dc-a?)",
  ],
  [
    'unknown-env.yaml',
    "unknown-env.yaml:6:8 error metadata.env: service 'checkout' has no environment 'prod' (known: " +
      'staging, production)',
  ],
  ['unknown-key.yaml', "unknown-key.yaml:8:3 error spec.stepz: unknown key 'stepz' (did you mean steps?)"],
  ['unknown-kind.yaml', "unknown-kind.yaml:2:7 error kind: unknown kind 'Rolout' (did you mean Rollout?)"],
  [
    'unknown-metric.yaml',
    'unknown-metric.yaml:10:17 error spec.analysis[0].metric: ' +
      "service 'checkout' has no metric 'latency_p59' (did you mean latency_p99?)",
  ],
  [
    'webhook-secret-own.yaml',
    'webhook-secret-own.yaml:12:80 error spec.steps[0].action.params.secretEnv: ' +
      "WEBHOOK_SECRET is one of ZeroOps' own credentials or another provider's secret: " +
      'a webhook may not sign with it; ' +
      'give the receiver a secret of its own and list it in spec.providers.webhook.secretEnv',
  ],
  [
    'webhook-secret-unlisted.yaml',
    'webhook-secret-unlisted.yaml:12:69 error spec.steps[0].action.params.secretEnv: ' +
      'CI_HOOK_SECRET is not listed for signing webhooks: ' +
      "add it to spec.providers.webhook.secretEnv in the default branch's .zeroops/config.yaml",
  ],
  [
    'window-without-placeholder.yaml',
    'window-without-placeholder.yaml:11:15 error spec.analysis[0].window: window 5m cannot apply: ' +
      "the query of 'goroutines' in service 'checkout' sets its own range; " +
      'write [$window] where its range goes (e.g. max_over_time(x[$window])), or drop window',
  ],
  [
    'unknown-service.yaml',
    "unknown-service.yaml:5:12 error metadata.service: unknown service 'chekout': " +
      'declare it in services/chekout.yaml (did you mean checkout?)',
  ],
  [
    'unknown-template.yaml',
    "unknown-template.yaml:8:13 error spec.template: unknown template 'canery': " +
      'add templates/canery.yaml (did you mean canary?)',
  ],
  [
    'wrong-api-version.yaml',
    'wrong-api-version.yaml:1:13 error apiVersion: must be "zeroops.dev/v1", got "zeroops.dev/v2"',
  ],
  [
    'wrong-type.yaml',
    'wrong-type.yaml:8:10 error spec.steps: expected an array, got a string: ' +
      "the canary's share of traffic (of its audience, if it has one) at each step, ascending; " +
      '100% at the end promotes the version',
  ],
  ['yaml-duplicate-key.yaml', 'yaml-duplicate-key.yaml:6:3 error yaml: Map keys must be unique'],
  [
    'yaml-syntax.yaml',
    'yaml-syntax.yaml:4:1 error yaml: Flow map in block collection must be sufficiently indented and end with a }',
  ],
  [
    'zero-duration.yaml',
    'zero-duration.yaml:9:13 error spec.interval: a duration of zero has no effect here: use at least 1s',
  ],
];

describe('mistakes in manifests', () => {
  it('has a test for every fixture, and at least 30 distinct mistakes', async () => {
    const files = (await readdir(`${fixturesDir}mistakes`)).sort();
    expect(expected.map(([file]) => file).sort()).toEqual(files);
    expect(new Set(expected.map(([, finding]) => finding.split(' ').slice(2).join(' '))).size).toBeGreaterThanOrEqual(
      30,
    );
  });

  it.each(expected)('%s', async (file, finding) => {
    const mistake = await fixtureFile(`mistakes/${file}`);
    const repo = await templateRepoFiles();
    // A mistaken Config replaces the repo's own, so the repo does not hold two.
    const context = /^kind: Config$/m.test(mistake.text) ? repo.filter((f) => !f.path.startsWith('.zeroops/')) : repo;
    const { diagnostics, plans } = await checkAndPlan({ files: [mistake], context });
    expect(diagnostics.map(formatDiagnostic)).toContain(finding);
    if (finding.includes(' error ')) expect(plans.filter((p) => p.task.file === file)).toEqual([]);
  });
});
