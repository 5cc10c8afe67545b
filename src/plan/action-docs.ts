/**
 * What each action of executable-actions.ts does, for people: its params, its effect, how it is
 * undone, and a Runbook step that uses it. docs/reference.md is generated from this table, and a test
 * keeps its keys equal to the executable set. Pure data.
 */
import type { ActionDoc, ActionParam } from './action-doc.js';
import { postgresActionDocs } from './postgres-action-docs.js';
import { mysqlActionDocs } from './mysql-action-docs.js';

const pool: ActionParam = {
  name: 'pool',
  type: 'HAProxy name',
  required: true,
  meaning: "The backend that weighs the datacenters, one server per datacenter (the service's `haproxyPool`).",
};

const laneTarget: ActionParam[] = [
  { name: 'service', type: 'text', required: true, meaning: 'The service.' },
  { name: 'env', type: 'text', required: true, meaning: 'Its environment.' },
  { name: 'lane', type: 'text', required: true, meaning: 'The lane: the Rollout task that deployed it.' },
];

export const actionDocs: Record<string, ActionDoc> = {
  'command run': {
    does:
      "Runs a script of the ops repo's `scripts/` folder, as it is at the run's merge commit, as an argument list; " +
      'it succeeds when the script exits with 0. See [Calling convention of scripts](#calling-convention-of-scripts).',
    params: [
      {
        name: 'argv',
        type: 'list of text',
        required: true,
        meaning:
          'The script and its arguments: `argv[0]` is a file under `scripts/` (`scripts/x.sh` or `./scripts/x.sh`); ' +
          'the rest is passed as written, never parsed by a shell.',
      },
      {
        name: 'targets',
        type: 'list of mappings with `server`',
        required: false,
        meaning: "Each target's `server` is appended to `argv`, in order (Restart plans put a batch's instances here).",
      },
    ],
    undo:
      "Not undone by itself: what a script changed is the script's business. A Runbook step is undone by its " +
      '`undo` action, e.g. another script.',
    example: {
      name: 'restart-a1',
      action: {
        provider: 'command',
        operation: 'run',
        params: { argv: ['scripts/restart-instance.sh', 'checkout-a1'] },
      },
      timeout: '2m',
      retries: 1,
    },
  },
  'haproxy set-datacenter-weights': {
    does:
      "Sets each datacenter's server in `pool` to `percent` of its `normalWeight`, rounded. Before the run first " +
      "changes a datacenter's weight, the weight it had is stored, for `restore-datacenter-weights`. A weight " +
      'already at its value is left alone.',
    params: [
      pool,
      {
        name: 'weights',
        type: 'list of mappings',
        required: true,
        meaning:
          "Each: `datacenter` (its server's name in `pool`), `percent` (a number, of the normal weight) and " +
          "`normalWeight` (the datacenter's normal weight, its `weight` in the service).",
      },
    ],
    undo:
      '`haproxy restore-datacenter-weights` with the same `pool` puts back the weights from before the run: it is ' +
      "a TrafficShift's rollback, and a Runbook step names it as its `undo`.",
    example: {
      name: 'drain-dc-a',
      action: {
        provider: 'haproxy',
        operation: 'set-datacenter-weights',
        params: { pool: 'checkout_stable', weights: [{ datacenter: 'dc-a', percent: 0, normalWeight: 100 }] },
      },
      undo: { provider: 'haproxy', operation: 'restore-datacenter-weights', params: { pool: 'checkout_stable' } },
    },
  },
  'haproxy restore-datacenter-weights': {
    does:
      'Puts back, in `pool`, the weight each datacenter had before this run first changed it, for every datacenter ' +
      "that a `set-datacenter-weights` step of the run's plan names for that pool; those the run never changed are " +
      'left alone.',
    params: [pool],
    undo: 'None: it is the undo of `set-datacenter-weights`.',
    example: {
      name: 'restore-weights',
      action: { provider: 'haproxy', operation: 'restore-datacenter-weights', params: { pool: 'checkout_stable' } },
    },
  },
  'haproxy set-server-state': {
    does:
      'Sets the state of HAProxy servers: `ready` (in service), `drain` (no new connections) or `maint` (out). ' +
      'A server already in that state is left alone.',
    params: [
      { name: 'state', type: 'one of `ready`, `drain`, `maint`', required: true, meaning: 'The state to set.' },
      {
        name: 'servers',
        type: 'list of mappings, or `all-drained-by-this-run`',
        required: true,
        meaning:
          'Each: `backend` and `server`. `all-drained-by-this-run` means every server that a started `drain` step ' +
          'of this run named.',
      },
    ],
    undo:
      'Not undone by itself: a Restart plan returns drained servers with `ready` (its rollback puts back all it ' +
      'drained); a Runbook step names the opposite state as its `undo`.',
    example: {
      name: 'drain-a1',
      action: {
        provider: 'haproxy',
        operation: 'set-server-state',
        params: { state: 'drain', servers: [{ backend: 'checkout_dc_a', server: 'checkout-a1' }] },
      },
      undo: {
        provider: 'haproxy',
        operation: 'set-server-state',
        params: { state: 'ready', servers: [{ backend: 'checkout_dc_a', server: 'checkout-a1' }] },
      },
    },
  },
  'lanes deploy': {
    does:
      "Starts a Rollout's instances through the fleet API (`spec.providers.fleet`) and adds them to a free lane " +
      'backend of HAProxy (dynamic servers); the lane serves no one yet. The store records the lane. Only Rollouts ' +
      'plan it: a Runbook cannot name the lanes provider.',
    params: [
      ...laneTarget,
      {
        name: 'spec',
        type: 'mapping',
        required: true,
        meaning: "The Rollout's version, features, audience, steps and `replaces`.",
      },
    ],
    undo: '`lanes retire` of the same lane.',
  },
  'lanes route': {
    does: 'Sets the share of its audience (sticky buckets) a lane holds, and rewrites the route table atomically.',
    params: [
      ...laneTarget,
      { name: 'percent', type: 'number', required: true, meaning: 'The share of the audience, 0-100.' },
    ],
    undo: 'The rollback retires the lane: its users go back to the stable version.',
  },
  'lanes take-over': {
    does: 'A replacement takes over the users its predecessor holds (the same buckets); the predecessor serves no one.',
    params: [...laneTarget, { name: 'from', type: 'text', required: true, meaning: 'The lane taken over.' }],
    undo: '`lanes hand-back`: the users go back to the predecessor if its instances are healthy, else to stable.',
  },
  'lanes hand-back': {
    does:
      "Gives a taken-over lane's users back to it when its instances answer their health check; otherwise retires " +
      'it too, and they go to the stable version.',
    params: [...laneTarget, { name: 'to', type: 'text', required: true, meaning: 'The lane that was taken over.' }],
    undo: 'None: it is itself an undo.',
  },
  'lanes retire': {
    does:
      'Routes no one to the lane, removes its instances from HAProxy (drained first) ' +
      'and stops them through the fleet.',
    params: [
      ...laneTarget,
      { name: 'reason', type: 'text', required: true, meaning: 'Why, as the lane chain records it.' },
      {
        name: 'ownOnly',
        type: 'yes/no',
        required: false,
        meaning: 'Retire it only if this run deployed it (rollbacks): never a lane of the same name another run holds.',
      },
    ],
    undo: 'None: a lane is deployed again by running its Rollout again.',
  },
  'webhook call': {
    does:
      'POSTs `body` as JSON to `url` (headers `Content-Type: application/json`, `User-Agent: ZeroOps`, ' +
      '`Idempotency-Key`: the same key a script gets as `ZEROOPS_IDEMPOTENCY_KEY`), signed with ' +
      '`X-ZeroOps-Signature-256: sha256=<hex HMAC-SHA256 of the body>` when a secret applies. One request per ' +
      'attempt, 10 s at most; a 2xx answer succeeds. No answer, 5xx or 429 fail the attempt, which the step may ' +
      'retry; any other status fails the step at once.',
    params: [
      { name: 'url', type: 'text', required: true, meaning: 'Where to send it.' },
      { name: 'body', type: 'any JSON value', required: false, meaning: 'What to send. Default: `{ run: <run id> }`.' },
      {
        name: 'secretEnv',
        type: 'text',
        required: false,
        meaning:
          "The environment variable whose value signs the body: one that the config's " +
          "`spec.providers.webhook.secretEnv` lists, never one of ZeroOps' own. " +
          'Default: `spec.providers.webhook.secret`, else unsigned.',
      },
    ],
    undo: 'Not undone by itself: a Runbook step is undone by its `undo` action, e.g. another webhook.',
    example: {
      name: 'tell-ci',
      action: {
        provider: 'webhook',
        operation: 'call',
        params: { url: 'https://ci.example.com/hooks/deployed', body: { service: 'checkout' } },
      },
      retries: 2,
    },
  },
  'zeroops await-approval': {
    does:
      'Nothing by itself: its step carries an approval, so the run waits for `/zeroops approve-step <step>` first. ' +
      'SchemaChange plans use it before readers switch columns. A Runbook cannot name it: it writes ' +
      '`approve: true` on the step that must wait.',
    params: [{ name: 'reason', type: 'text', required: false, meaning: 'What the person confirms.' }],
    undo: 'None needed: it changes nothing.',
  },
  ...postgresActionDocs,
  ...mysqlActionDocs,
};
