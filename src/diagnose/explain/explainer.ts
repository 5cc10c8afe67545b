/**
 * The Explainer port: writes an incident's summary and explanation from its brief, and says who
 * wrote them. Prose never chooses an action; the template explainer needs nothing outside.
 */
import type { IncidentBrief } from './brief.js';
import { templateProse } from './template-prose.js';

export interface Explanation {
  summary: string;
  explanation: string;
  by: 'template' | 'llm';
  /** The model that wrote it, when one did. */
  model?: string;
}

export interface Explainer {
  explain(brief: IncidentBrief): Promise<Explanation>;
}

export class TemplateExplainer implements Explainer {
  async explain(brief: IncidentBrief): Promise<Explanation> {
    return { ...templateProse(brief), by: 'template' };
  }
}
