/**
 * The ProseWriter on an Explainer: the diagnosis as a brief, the Explainer's prose (a template, or
 * an LLM checked against the brief).
 */
import type { Explainer } from '../diagnose/explain/explainer.js';
import { incidentBrief } from '../diagnose/explain/brief.js';
import type { ProseWriter } from './ports.js';

export function proseWriter(explainer: Explainer): ProseWriter {
  return {
    async write(cause, diagnosis, options) {
      const brief = incidentBrief({
        service: diagnosis.service,
        env: diagnosis.env,
        severity: diagnosis.severity,
        cause: {
          class: cause.class,
          title: cause.headline ?? cause.title,
          confidence: cause.confidence,
          evidence: cause.evidence.map((e) => e.text),
          ruledOut: cause.ruledOut,
        },
        options,
        ...(cause.trigger ? { change: cause.trigger.summary } : {}),
      });
      const prose = await explainer.explain(brief);
      return {
        summary: prose.summary,
        explanation: prose.explanation,
        by: prose.by === 'llm' ? `an LLM (${prose.model ?? 'model'})` : 'templates',
      };
    },
  };
}
