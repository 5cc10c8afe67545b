/**
 * The incident brief: the few facts of a diagnosis that prose may be written from, compact and
 * JSON-able, so a template or a language model says the same things and nothing more. Pure.
 */

/** What the diagnosis hands over for prose (the ranked cause and the remediations it allows). */
export interface DiagnosisInput {
  service: string;
  env: string;
  severity: string;
  /** `confidence` is a share, 0..1. */
  cause: { class: string; title: string; confidence: number; evidence: string[]; ruledOut: string[] };
  options: BriefOption[];
  /** The recent change the anomaly is attributed to, if any. */
  change?: string;
}

export interface BriefOption {
  id: string;
  title: string;
  why: string;
  /** Policy lets ZeroOps run it without a person's approval. */
  allowedAlone: boolean;
}

export interface IncidentBrief {
  service: string;
  env: string;
  severity: string;
  cause: { class: string; title: string; confidencePercent: number; evidence: string[]; ruledOut: string[] };
  options: BriefOption[];
  change?: string;
}

// Enough for a few sentences; a model's context and a reader's patience are both finite.
const limits = { evidence: 8, ruledOut: 6, options: 6, text: 240 };

export function incidentBrief(input: DiagnosisInput): IncidentBrief {
  const { cause } = input;
  return {
    service: short(input.service),
    env: short(input.env),
    severity: short(input.severity),
    cause: {
      class: short(cause.class),
      title: short(cause.title),
      confidencePercent: Math.round(Math.min(Math.max(cause.confidence, 0), 1) * 100),
      evidence: cause.evidence.slice(0, limits.evidence).map(short),
      ruledOut: cause.ruledOut.slice(0, limits.ruledOut).map(short),
    },
    options: input.options.slice(0, limits.options).map((o) => ({
      id: short(o.id),
      title: short(o.title),
      why: short(o.why),
      allowedAlone: o.allowedAlone,
    })),
    ...(input.change ? { change: short(input.change) } : {}),
  };
}

/** One line, cut at a word boundary when it is too long. */
function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= limits.text) return line;
  const cut = line.slice(0, limits.text);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), limits.text / 2))}…`;
}
