/**
 * Use case: did the remediation work? Some time after its run finished, read the symptom again: it
 * worked when at least 70% of its excess over the baseline is gone. For a leak, what a restart can
 * do is bring each instance back down (the leak then grows again from there), so the level is each
 * affected instance's lowest since the run began. The incident records the verdict and the curve
 * after the fix; a remediation that did not work is said plainly and the incident escalates
 * (severity up, the owners mentioned); one that worked offers the pull request that lets ZeroOps do
 * it alone next time.
 */
import { escalated } from '../diagnose/severity.js';
import { combine, median, valuesOf } from '../diagnose/stats.js';
import type { Incident } from '../engine/store.js';
import type { PatrolIncident } from '../knowledge/patrol-incident.js';
import type { Config, Service } from '../manifest/model.js';
import { parseDuration } from '../manifest/units.js';
import { signalPlan } from '../patrol/service-signals.js';
import { collectSignals } from './collect-signals.js';
import { patrolBasis, type PatrolRepo } from './patrol-basis.js';
import { publish, record, repoOf } from './patrol-incidents.js';
import type { PatrolDeps } from './run-inspection.js';
import { offerSelfHealing } from './self-healing.js';

export async function verifyRemediation(
  deps: PatrolDeps,
  runId: string,
  repo: PatrolRepo,
): Promise<'fixed' | 'not fixed' | 'skipped'> {
  const run = await deps.store.run(runId);
  const incident = run?.incident && (await deps.store.incident(run.incident.id));
  const done = incident?.patrol?.remediations.find((r) => r.runId === runId);
  if (!run || !incident?.patrol || !done || done.verdict) return 'skipped';
  const basis = await patrolBasis(deps, repo);
  const patrol = incident.patrol;
  const now = deps.clock();
  let level: number | undefined;
  let fixed = false;
  let text: string;
  if (run.status !== 'succeeded') {
    text = `its run ended ${run.status.replace('_', ' ')}${run.reason ? `: ${run.reason}` : ''}`;
  } else {
    const service = basis.services.find((s) => s.metadata.name === patrol.service);
    const firstStep = run.steps.flatMap((step) => (step.startedAt ? [step.startedAt] : [])).sort()[0];
    const since = Date.parse(firstStep ?? run.createdAt) / 1000;
    const read = service && (await symptomSince(deps, incident, service, basis.config, repo, since));
    level = read?.level;
    const before = Math.max(read?.before ?? patrol.detected, patrol.detected);
    fixed = level !== undefined && level <= patrol.baseline + 0.3 * (before - patrol.baseline);
    text =
      level === undefined
        ? 'the symptom could not be read afterwards'
        : `${patrol.cause.symptom} ${fixed ? 'back to' : 'still at'} ${round(level)}${isLeak(patrol) ? ' after the restart' : ''} (baseline ${round(patrol.baseline)}, ${round(before)} before the remediation)`;
  }
  done.status = run.status === 'succeeded' ? 'succeeded' : 'failed';
  done.verdict = { fixed, text, at: now.toISOString() };
  const after: PatrolIncident = {
    ...patrol,
    chart: {
      ...patrol.chart,
      marks: [
        ...patrol.chart.marks,
        { at: Date.parse(run.finishedAt ?? run.updatedAt) / 1000, label: `${done.option} (run ${run.id.slice(0, 8)})` },
      ],
    },
    ...(fixed ? {} : { severity: escalated(patrol.severity), escalated: true }),
  };
  const updated: Incident = { ...incident, patrol: after };
  await record(deps, updated, fixed ? 'remediation-worked' : 'remediation-failed', `${done.option}: ${text}`);
  await deps.forge.comment(
    repoOf(incident),
    incident.issueNumber,
    fixed ? worked(after, done.option, text) : failed(after, done.option, text),
  );
  if (fixed) await offerSelfHealing(deps, updated, done.option, { repo, sha: basis.sha, config: basis.config });
  await publish(deps, updated, basis.config);
  return fixed ? 'fixed' : 'not fixed';
}

const isLeak = (patrol: PatrolIncident) =>
  patrol.cause.class === 'goroutine-leak' || patrol.cause.class === 'memory-leak';

/**
 * The symptom of the affected instances, from before the run began until now: its level just
 * before the run and its level now — for a leak, the sum of each instance's lowest since the run
 * began; otherwise the median of the last tenth of the window.
 */
async function symptomSince(
  deps: PatrolDeps,
  incident: Incident,
  service: Service,
  config: Config | undefined,
  repo: PatrolRepo,
  runStarted: number,
): Promise<{ level?: number; before?: number } | undefined> {
  const patrol = incident.patrol!;
  const metrics = deps.metricsFor(config);
  if (!metrics) return undefined;
  const scrapeSeconds = parseDuration(config?.spec.providers?.prometheus?.scrapeInterval ?? '15s') ?? 15;
  const now = deps.clock().getTime() / 1000;
  const signals = await collectSignals(
    { metrics, store: deps.store, clock: deps.clock },
    {
      repo,
      service: patrol.service,
      env: patrol.env,
      plan: signalPlan(service),
      windowSeconds: Math.max(60, 20 * scrapeSeconds, Math.ceil(now - runStarted) + 5 * scrapeSeconds),
      scrapeSeconds,
    },
  );
  const affected = new Set(patrol.cause.affected ?? []);
  const series = signals.series.filter(
    (s) => s.role === patrol.cause.symptom && (affected.size === 0 || affected.has(s.where.instance ?? '')),
  );
  if (series.length === 0) return undefined;
  const ratio = patrol.cause.symptom === 'errors' || patrol.cause.symptom === 'latency';
  const points = combine(series.map((s) => s.points)).map(([t, v]): [number, number] => [
    t,
    ratio ? v : v * series.length,
  ]);
  const before = valuesOf(points.filter(([t]) => t <= runStarted)).at(-1);
  if (isLeak(patrol)) {
    // Per instance, over all its series (a version's series ends when the instance changes version).
    const lows = [...new Set(series.map((s) => s.where.instance ?? s.query))].map((instance) =>
      valuesOf(
        series
          .filter((s) => (s.where.instance ?? s.query) === instance)
          .flatMap((s) => s.points.filter(([t]) => t >= runStarted)),
      ),
    );
    if (lows.some((l) => l.length === 0)) return { before };
    return { before, level: lows.reduce((sum, l) => sum + Math.min(...l), 0) };
  }
  const recent = valuesOf(points.slice(Math.floor(points.length * 0.9)));
  return { before, level: recent.length ? median(recent) : undefined };
}

const round = (value: number) =>
  Math.abs(value) >= 10 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();

function worked(patrol: PatrolIncident, option: string, text: string): string {
  const rollback = patrol.cause.remediations.find((r) => r.id === 'rollback-change');
  const leak = isLeak(patrol);
  return [
    `✅ **${option} worked**: ${text}.`,
    ...(leak && rollback
      ? [
          `It buys time: the leak comes back with the traffic until the cause is removed — ${rollback.title} (${'`'}/zeroops remediate rollback-change${'`'}).`,
        ]
      : []),
  ].join('\n\n');
}

function failed(patrol: PatrolIncident, option: string, text: string): string {
  const owners = patrol.owners.map((o) => `@${o}`).join(' ');
  return (
    `⚠️ **${option} did not fix it**: ${text}. Escalated to ${patrol.severity}. ` +
    `${owners} please look: the evidence and the other options are above.`
  );
}
