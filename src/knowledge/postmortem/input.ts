/** What a postmortem is drafted from: the closed incident's diagnosis, actions and event chain. */

interface PostmortemCause {
  class: string;
  title: string;
  summary: string;
  evidence: string[];
  ruledOut: string[];
}

interface PostmortemAction {
  at: string;
  what: string;
  by: string;
  outcome: string;
}

export interface PostmortemInput {
  repo: string;
  issueNumber: number;
  title: string;
  service: string;
  env: string;
  cause: PostmortemCause;
  trigger?: { description: string; runId?: string; pullNumber?: number; at: string };
  /** 'sev1'..'sev4' */
  severity: string;
  detection: { how: string; at: string; inspection?: string };
  impact: { startedAt: string; resolvedAt?: string; summary: string; errorBudgetSpent?: string; affected: string[] };
  resolution: { actions: PostmortemAction[]; verified?: string };
  /** ISO times, as recorded in the incident's event chain. */
  timeline: { at: string; what: string; by?: string }[];
  closedAt: string;
  closedBy: string;
}

/** One section of the postmortem's Markdown. */
export type Section = (input: PostmortemInput) => string;
