/** Rules of the Runbook kind: unique step names, steps in the order they run, scripts of the repo, signing secrets it may use. */
import type { OpsRepo, Runbook, TaskManifest } from '../../manifest/model.js';
import { checkProgram } from '../../manifest/rules/programs.js';
import { checkWebhookSecret } from '../../manifest/rules/webhook-secrets.js';
import type { Report, Rule } from '../../manifest/rules/rule.js';
import { didYouMean } from '../../manifest/suggest.js';

type Step = Runbook['spec']['steps'][number];

export const runbookSteps: Rule<TaskManifest> = {
  name: 'runbook-steps',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'Runbook') return;
    const steps = manifest.spec.steps;
    const names = steps.map((s) => s.name);
    steps.forEach((s, i) => {
      const path = ['spec', 'steps', i];
      if (names.indexOf(s.name) !== i) report([...path, 'name'], `step name '${s.name}' is used twice`);
      s.needs?.forEach((need, j) => {
        if (!names.includes(need)) report([...path, 'needs', j], `no step named '${need}'${didYouMean(need, names)}`);
      });
      checkCommandAction(s.action, [...path, 'action'], repo, report);
      if (s.undo) checkCommandAction(s.undo, [...path, 'undo'], repo, report);
    });
    checkSerial(manifest.spec, report);
    const cycle = findCycle(steps);
    if (cycle)
      report(
        ['spec', 'steps', names.indexOf(cycle[0]!), 'needs'],
        `steps wait for each other in a circle: ${cycle.join(' → ')}`,
      );
  },
};

function checkCommandAction(action: Step['action'], path: (string | number)[], repo: OpsRepo, report: Report): void {
  if (action.provider === 'webhook') checkWebhookSecret(action.params, [...path, 'params'], repo, report);
  if (action.provider !== 'command') return;
  const argv = (action.params as { argv?: unknown } | undefined)?.argv;
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
    report(
      [...path, 'params'],
      'a command action needs params.argv, a list of strings such as [scripts/flush-cache.sh, --dc, dc-a] (never a shell string)',
      { target: 'key' },
    );
    return;
  }
  checkProgram(argv, [...path, 'params', 'argv'], repo, report);
}

/**
 * This version runs a Runbook's steps one after another, in the order written: a graph it would
 * not follow is refused, never silently run in another order.
 */
function checkSerial(spec: Runbook['spec'], report: Report): void {
  const serially = "this version runs a Runbook's steps one after another, in the order written";
  if (spec.mode === 'parallel')
    report(['spec', 'mode'], `mode: parallel is not executed: ${serially}; remove mode, or write serial`);
  spec.steps.forEach((s, i) => {
    const previous = spec.steps[i - 1]?.name;
    if (s.needs && !(s.needs.length === 0 && i === 0) && !(s.needs.length === 1 && s.needs[0] === previous)) {
      report(
        ['spec', 'steps', i, 'needs'],
        `needs is not executed: ${serially}; order the steps instead${previous ? ` (this one follows ${previous})` : ''}`,
      );
    }
  });
}

function findCycle(steps: Step[]): string[] | undefined {
  const needs = new Map(steps.map((s) => [s.name, s.needs ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    if (state.get(name) === 'done' || !needs.has(name)) return undefined;
    state.set(name, 'visiting');
    for (const next of needs.get(name)!) {
      const cycle = visit(next, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.name, []);
    if (cycle) return cycle;
  }
  return undefined;
}
