/**
 * A datacenter failover's postmortem input, from its episode: the evidence that drained it, what
 * was ruled out (every datacenter, one instance), every weight change as an action, and the
 * timeline of the watch's decisions. Pure.
 */
import type { PostmortemInput } from './postmortem.js';
import { describe, failoverTitle, type FailoverEpisode } from './render-failover-incident.js';

export function failoverPostmortemInput(
  episode: FailoverEpisode & { issue: number },
  repo: string,
  closed: { at: string; by: string },
): PostmortemInput {
  const iso = (ms: number) => new Date(ms).toISOString();
  const drain = episode.records.find((r) => r.decision.kind === 'drain');
  const evidence = drain && 'evidence' in drain.decision ? drain.decision.evidence : [];
  const worst = Math.max(0, ...episode.curve.map(([, v]) => v));
  return {
    repo,
    issueNumber: episode.issue,
    title: failoverTitle({ ...episode, resolvedAt: undefined }),
    service: episode.service,
    env: 'production',
    cause: {
      class: 'datacenter-degraded',
      title: `${episode.dc} turned slow while the other datacenters did not`,
      summary:
        `${episode.dc}'s latency rose far above its own baseline and its peers'; the datacenter watch ` +
        'moved its traffic away and brought it back once it held.',
      evidence: evidence.map(
        (e) =>
          `${e.dc} ${e.metric} ${e.metric === 'p99' ? `${e.value.toFixed(0)} ms` : e.value.toFixed(4)} against its ` +
          `${e.against} (${e.reference.toFixed(digits(e.metric))}), limit ${e.limit.toFixed(digits(e.metric))}`,
      ),
      ruledOut: [
        'a release or a shared dependency: the other datacenters stayed at their baselines',
        'one bad instance: the datacenter was slow as a whole',
      ],
    },
    severity: 'sev3',
    detection: {
      how: 'the datacenter watch, scrape by scrape',
      at: iso(episode.openedAt),
      inspection: 'datacenter-watch',
    },
    impact: {
      startedAt: iso(episode.openedAt),
      ...(episode.resolvedAt ? { resolvedAt: iso(episode.resolvedAt) } : {}),
      summary: `${episode.dc}'s p99 reached ${worst.toFixed(0)} ms; its users were moved to the other datacenters`,
      affected: episode.dc ? [episode.dc] : [],
    },
    resolution: {
      actions: episode.records
        .filter((r) => r.changes.length > 0)
        .map((r) => ({
          at: iso(r.at),
          what: `${describe(r.decision)}: ${r.changes.map((c) => c.command).join('; ')}`,
          by: 'zeroops',
          outcome: r.decision.kind === 'relapse' ? 'relapsed' : 'applied',
        })),
      ...(episode.resolvedAt ? { verified: `${episode.dc} held healthy through every warm-up step` } : {}),
    },
    timeline: episode.records.map((r) => ({ at: iso(r.at), what: describe(r.decision), by: 'zeroops' })),
    closedAt: closed.at,
    closedBy: closed.by,
  };
}

/** Milliseconds whole, ratios to four places. */
const digits = (metric: string) => (metric === 'p99' ? 0 : 4);
