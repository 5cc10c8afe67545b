/**
 * What the chat hears of incidents: one notice when an incident's issue opens and one when it is
 * resolved (by the patrol, the datacenter watch or a person closing it, whichever comes first),
 * each linking to the issue. Pure.
 */
import type { Severity } from '../diagnose/cause.js';
import { clip, type Notice } from './notice.js';
import type { PatrolIncident } from './patrol-incident.js';
import { incidentTitle } from './render-incident.js';
import { failoverTitle, type FailoverEpisode } from './render-failover-incident.js';

/** An incident as a notice needs it: where its issue is, what it is about, in a few words. */
export interface IncidentFacts {
  repo: { owner: string; repo: string };
  issue: number;
  service: string;
  env?: string;
  severity: Severity;
  title: string;
  lines: string[];
}

const issueKey = (f: IncidentFacts) => `${f.repo.owner}/${f.repo.repo}#${f.issue}`;

/** An incident the patrol filed. */
export function patrolFacts(repo: IncidentFacts['repo'], issue: number, patrol: PatrolIncident): IncidentFacts {
  return {
    repo,
    issue,
    service: patrol.service,
    env: patrol.env,
    severity: patrol.severity,
    title: incidentTitle(patrol),
    lines: [patrol.diagnosis.severityWhy, `Found by the inspection ${patrol.inspection}.`],
  };
}

/** An episode of the datacenter watch (sev3, as its postmortem counts it). */
export function failoverFacts(repo: IncidentFacts['repo'], issue: number, episode: FailoverEpisode): IncidentFacts {
  return {
    repo,
    issue,
    service: episode.service,
    severity: 'sev3',
    title: failoverTitle(episode),
    lines: [`Found by the datacenter watch of ${episode.service}; the issue follows it as it goes.`],
  };
}

export function incidentOpened(facts: IncidentFacts): Notice {
  return {
    ...base(facts),
    key: `incident-opened/${issueKey(facts)}`,
    event: 'incident-opened',
    title: `🚨 ${facts.severity} incident: ${clip(facts.title, 150)}`,
    lines: facts.lines.map((line) => clip(line)),
    tone: 'bad',
  };
}

/** `how`: what resolved it, in words ("closed by @alice", "back to normal since …"). */
export function incidentResolved(facts: IncidentFacts, how: string): Notice {
  return {
    ...base(facts),
    key: `incident-resolved/${issueKey(facts)}`,
    event: 'incident-resolved',
    title: `✅ Resolved: ${clip(facts.title.replace(/^\[resolved\] /, ''), 150)}`,
    lines: [clip(how)],
    tone: 'good',
  };
}

function base(facts: IncidentFacts): Pick<Notice, 'repo' | 'link' | 'service' | 'env' | 'severity'> {
  return {
    repo: { owner: facts.repo.owner, repo: facts.repo.repo },
    link: { kind: 'issue', number: facts.issue },
    service: facts.service,
    ...(facts.env ? { env: facts.env } : {}),
    severity: facts.severity,
  };
}
