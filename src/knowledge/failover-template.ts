/**
 * A datacenter failover written down as a reusable SOP: a TrafficShift template whose defaults are
 * the warm-up that worked (its steps and hold) gated on what the datacenter's normal was (p99 at
 * most 1.2 × its baseline, errors at its baseline plus a little). Proposed when the team has no
 * such template, or as a new version when the one it has gates on something else. Pure.
 */
import { parseDocument } from 'yaml';
import type { FailoverEpisode } from './render-failover-incident.js';
import type { Service } from '../manifest/model.js';
import { roleOf } from '../patrol/service-signals.js';

export const failoverTemplatePath = 'templates/dc-latency-failover.yaml';

export interface TemplateProposal {
  text: string;
  version: number;
  why: string;
}

interface Learned {
  steps: number;
  intervalSeconds: number;
  analysis: { metric: string; max: string }[];
}

/** What the episode teaches, or undefined when it did not end in a warm-up back to normal. */
export function learnedFrom(
  episode: FailoverEpisode,
  service: Service,
  hold: { stepSeconds: number; recoveryErrorSlack: number; recoveryLatencyFactor: number },
): Learned | undefined {
  const drain = episode.records.find((r) => r.decision.kind === 'drain')?.decision;
  const warmSteps = episode.records.filter((r) => r.decision.kind === 'warm').length;
  if (drain?.kind !== 'drain' || !drain.baseline || !episode.resolvedAt || warmSteps === 0) return undefined;
  const metrics = Object.entries(service.spec.metrics ?? {});
  const named = (role: string, prefer: RegExp) =>
    metrics
      .filter(([name, b]) => roleOf(name, b.role) === role)
      .sort(([a], [b]) => Number(prefer.test(b)) - Number(prefer.test(a)))[0];
  const latency = named('latency', /99/);
  const errors = named('errors', /error/);
  const analysis: Learned['analysis'] = [];
  if (latency) {
    // Rounded up to 10 ms, so every failover of a steady service does not propose a new version.
    const ms = Math.ceil((drain.baseline.p99Ms * hold.recoveryLatencyFactor) / 10) * 10;
    analysis.push({ metric: latency[0], max: `${ms}ms` });
  }
  if (errors) {
    const ratio = drain.baseline.errorRatio + hold.recoveryErrorSlack;
    analysis.push({ metric: errors[0], max: `${Number((ratio * 100).toPrecision(2))}%` });
  }
  return { steps: warmSteps, intervalSeconds: hold.stepSeconds, analysis };
}

/** The template to propose: new, or the next version of `existing`; undefined when it already says this. */
export function failoverTemplate(
  learned: Learned,
  episode: FailoverEpisode,
  existing?: string,
): TemplateProposal | undefined {
  const defaults = {
    steps: learned.steps,
    interval: `${learned.intervalSeconds}s`,
    analysis: learned.analysis,
  };
  const day = new Date(episode.openedAt).toISOString().slice(0, 10);
  const source = `the warm-up of ${episode.dc} after the failover of ${day}`;
  if (!existing) {
    const doc = parseDocument(
      [
        'apiVersion: zeroops.dev/v1',
        'kind: Template',
        'metadata:',
        '  name: dc-latency-failover',
        '  description: Bring a drained datacenter back in gated steps, as the datacenter watch did',
        'spec:',
        '  kind: TrafficShift',
        '  versions: []',
      ].join('\n'),
    );
    doc.setIn(['spec', 'versions'], doc.createNode([{ version: 1, defaults }]));
    return { text: header + doc.toString(), version: 1, why: `no template for this yet; written from ${source}` };
  }
  const doc = parseDocument(existing);
  const versions =
    (
      doc.getIn(['spec', 'versions']) as { toJSON(): { version: number; defaults?: unknown }[] } | undefined
    )?.toJSON() ?? [];
  const latest = versions.reduce<{ version: number; defaults?: unknown } | undefined>(
    (best, v) => (!best || v.version > best.version ? v : best),
    undefined,
  );
  if (latest && JSON.stringify(latest.defaults) === JSON.stringify(defaults)) return undefined;
  const version = (latest?.version ?? 0) + 1;
  doc.addIn(['spec', 'versions'], doc.createNode({ version, defaults }));
  return { text: doc.toString(), version, why: `version ${version - 1} gates differently from ${source}` };
}

const header = '# yaml-language-server: $schema=../schemas/template.schema.json\n';
