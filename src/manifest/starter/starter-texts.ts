/** The commented texts of a starter ops repo (see starter-repo.ts). */
import type { StarterOptions } from './starter-options.js';

const underscored = (name: string) => name.replace(/-/g, '_');
const list = (items: string[]) => `[${items.join(', ')}]`;

export function configYaml(o: StarterOptions): string {
  return `# yaml-language-server: $schema=../schemas/config.schema.json
# How ZeroOps reaches your infrastructure and who must approve what. ZeroOps reads this file from
# the default branch's approved state only: a pull request can never lower its own bar, and a
# change to this file needs an admin's approval. Every field: docs/reference.md of ZeroOps.
apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: ${o.env}
  providers:
    prometheus:
      url: ${o.prometheusUrl}
      timeout: 10s
      # bearerToken: { env: PROMETHEUS_TOKEN }   # secrets only ever by environment variable
    haproxy:
      socket: ${o.haproxySocket}   # HAProxy's admin socket (stats socket … level admin): a path or host:port
  policy:
    defaultApprovals: 1   # approvals from people with write access who did not write the change
    requireOwner: true    # one of them an owner of the service (services/*.yaml)
    rules:
      - { env: ${o.env}, risk: [high, critical], required: 2, owner: true }
  # Change windows and freezes: outside them nothing starts, even approved (a merge waits for the next opening).
  # windows:
  #   - { name: office-hours, env: ${o.env}, days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00", timezone: UTC }
  # freezes:
  #   - { name: year-end, env: ${o.env}, from: "2026-12-24T00:00:00Z", to: "2027-01-02T00:00:00Z" }
  autonomy:
    default: confirm   # remediations wait for a person's /zeroops command
`;
}

export function serviceYaml(o: StarterOptions): string {
  const datacenters = o.datacenters
    .map(
      (dc) => `    - name: ${dc}
      weight: 100
      haproxy: { backend: ${underscored(o.service)}_${underscored(dc)}, servers: ${list([1, 2].map((i) => `${o.service}-${dc}-${i}`))} }`,
    )
    .join('\n');
  const job = `job="${o.service}"`;
  return `# yaml-language-server: $schema=../schemas/service.schema.json
# What ZeroOps knows about ${o.service}. Tasks in tasks/ name it in metadata.service; a change to
# this file needs the approval of one of its owners. Adjust the names below to your HAProxy
# configuration and the queries to your metrics' labels.
apiVersion: zeroops.dev/v1
kind: Service
metadata:
  name: ${o.service}
spec:
  owners: ${list(o.owners)}   # GitHub logins or org/team-slug
  environments: [${o.env}]
  deploy:
    provider: haproxy
  # The HAProxy backend with one server per datacenter: a server's weight is its datacenter's share.
  haproxyPool: ${underscored(o.service)}_stable
  datacenters:
${datacenters}
  # Named PromQL queries; tasks gate on them (analysis: [{ metric: error_rate, max: 2% }]).
  # $window is replaced by each gate's window, e.g. 1m.
  metrics:
    error_rate:
      query: (sum(rate(http_requests_total{${job},code=~"5.."}[$window])) or vector(0)) / clamp_min(sum(rate(http_requests_total{${job}}[$window])), 1e-9)
      unit: ratio
    latency_p95:
      query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${job}}[$window])))
      unit: seconds
    requests:
      query: sum(rate(http_requests_total{${job}}[$window]))
      unit: per-second
  # A restart command lets Restart tasks run: a script of scripts/, given instance names as arguments.
  # restart:
  #   command: [scripts/restart-instance.sh]
`;
}

export function tasksReadme(o: StarterOptions): string {
  const [first] = o.datacenters;
  return `# Tasks

Each YAML file here is an operation. Open a pull request that adds one: ZeroOps answers with its
plan, an owner approves it by review, and merging runs it. For example, \`tasks/drain-${first}.yaml\`:

\`\`\`yaml
apiVersion: zeroops.dev/v1
kind: TrafficShift
metadata: { name: drain-${first}, service: ${o.service} }
spec:
  weights: { ${first}: 0% }
  steps: 4
  interval: 2m
  reason: maintenance in ${first}
  analysis:
    - { metric: error_rate, max: 2%, window: 1m }
\`\`\`

Check a task before you push it: \`npx zeroops validate\` and \`npx zeroops plan tasks/drain-${first}.yaml\`.
`;
}

export function opsReadme(o: StarterOptions): string {
  return `# Ops repo of ${o.service}

Operations on ${o.service} are pull requests here; [ZeroOps](https://github.com/zeroops) plans,
gates and carries them out.

\`\`\`
.zeroops/config.yaml     where Prometheus and HAProxy are, the approval policy, change windows
services/${o.service}.yaml  owners, datacenters and their HAProxy names, metric queries
tasks/                   the operations (see tasks/README.md)
schemas/                 JSON Schemas your editor uses to complete and check these files
\`\`\`

\`\`\`bash
npx zeroops validate                      # findings with file:line; exit 1 on errors
npx zeroops plan tasks/<task>.yaml        # the plan a pull request would show
npx zeroops lab up --repo .               # try this repo on a lab of real components
\`\`\`
`;
}
