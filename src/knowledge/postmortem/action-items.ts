/**
 * Action items a postmortem starts with, from the class of its root cause. They are a draft: the
 * owners edit, drop or add to them in the pull request. Pure.
 */
import { code } from '../../plan/markdown.js';

interface ActionItem {
  item: string;
  type: 'prevent' | 'mitigate' | 'detect';
}

interface CauseFacts {
  class: string;
  title: string;
  summary: string;
  evidence: string[];
}

type Items = (cause: CauseFacts, service: string) => ActionItem[];

const goroutineLeak: Items = (cause) => {
  const fn = leakingFunction(cause);
  return [
    { item: `Fix the leak in ${fn}`, type: 'prevent' },
    { item: 'Add a goroutine-count alert: a steady rise, not only a limit', type: 'detect' },
    { item: `Add a test that the goroutines ${fn} starts end when it returns`, type: 'prevent' },
  ];
};

const memoryLeak: Items = (cause) => {
  const fn = leakingFunction(cause);
  return [
    { item: `Fix the leak in ${fn}`, type: 'prevent' },
    { item: 'Add a heap-growth alert: a steady rise of the floor, not only a limit', type: 'detect' },
    { item: `Add a test that the memory ${fn} holds is released when it is done`, type: 'prevent' },
    { item: 'Set a memory limit, so a leaking instance restarts before it slows down', type: 'mitigate' },
  ];
};

/** The first matching class wins; the last one matches everything (the unknown class). */
const byClass: [RegExp, Items][] = [
  [/goroutine/, goroutineLeak],
  [/memory|heap|leak/, memoryLeak],
  [
    /release|deploy|regression|rollout|version/,
    (cause) => [
      { item: `Add a canary gate on the breached metric${metricIn(cause)} to the rollout`, type: 'detect' },
      { item: 'Add a test that reproduces the regression before the fix lands', type: 'prevent' },
      { item: 'Make rolling back this service a single revert pull request', type: 'mitigate' },
    ],
  ],
  [
    /config/,
    () => [
      { item: 'Validate this configuration in CI before it is merged', type: 'prevent' },
      { item: 'Roll configuration changes out in stages, each behind a gate', type: 'mitigate' },
    ],
  ],
  [
    /dependen|downstream|upstream|database/,
    () => [
      { item: 'Add a timeout and a circuit breaker to the calls to the failing dependency', type: 'mitigate' },
      { item: "Alert on the dependency's errors and latency as seen from this service", type: 'detect' },
    ],
  ],
  [
    /capacity|load|saturat|traffic|scal/,
    (_, service) => [
      { item: `Give ${service} capacity headroom for the peak seen (or autoscaling)`, type: 'prevent' },
      { item: 'Alert on saturation before latency and errors rise', type: 'detect' },
    ],
  ],
  [
    /datacenter|zone|region|host|instance|node|network|infra/,
    () => [
      { item: 'Drain a failing datacenter or instance automatically, with a capacity check', type: 'mitigate' },
      { item: 'Add an inspection per datacenter and instance, not only per service', type: 'detect' },
    ],
  ],
  [
    /.*/,
    () => [
      { item: 'Find the root cause: reproduce the incident from the evidence below', type: 'prevent' },
      { item: 'Add the signal (metric, log or profile) that would have named the cause', type: 'detect' },
      { item: 'Write a runbook for the mitigation that worked', type: 'mitigate' },
    ],
  ],
];

export function actionItems(cause: CauseFacts, service: string, verified: boolean): ActionItem[] {
  const normalized = cause.class.toLowerCase();
  const items = byClass.find(([pattern]) => pattern.test(normalized))![1](cause, service);
  return verified
    ? items
    : [...items, { item: 'Check the remediation with a gate some minutes after it ran', type: 'detect' }];
}

/** A Go-style function named in the cause (`pkg.Func`, `pkg.(*T).Method`), as a code span. */
function leakingFunction(cause: CauseFacts): string {
  const goFunction = /(?:[\w-]+\/)*[A-Za-z_][\w-]+\.(?:\(\*?[A-Za-z_]\w*\)\.)?[A-Za-z_]\w*(?!\w|\.\w)/;
  for (const text of [cause.title, cause.summary, ...cause.evidence]) {
    const found = goFunction.exec(text.replace(/`/g, ' '));
    if (found && !/\.(go|ya?ml|json)$/.test(found[0])) return code(found[0]);
  }
  return 'the leaking function';
}

/** A metric name (snake_case, as in Prometheus) named by the evidence. */
function metricIn(cause: CauseFacts): string {
  const found = cause.evidence.join(' ').match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/);
  return found ? ` (${code(found[0])})` : '';
}
