/**
 * Incident prose from templates: plain sentences built only from the brief, complete on their own,
 * so an incident reads well without any language model. Pure.
 */
import type { IncidentBrief } from './brief.js';
import type { Prose } from './check-prose.js';

/** What a class of cause means, in words a reader without the diagnosis can follow (no actions). */
const meanings: [RegExp, string][] = [
  [
    /goroutine/i,
    'Goroutines are started and never end, so memory and scheduling work grow until the process runs out.',
  ],
  [/memory|heap|leak/i, 'Memory is taken and never given back, so the process grows until it reaches its limit.'],
  [
    /release|regression|deploy|rollout|version/i,
    'It began with a new version, which behaves worse than the one before.',
  ],
  [/config/i, 'It began with a configuration change.'],
  [
    /dependen|downstream|upstream|database/i,
    'A dependency the service calls is failing or slow, and the service passes that on.',
  ],
  [/capacity|load|saturat|traffic|scal/i, 'Demand is more than the running instances can serve.'],
  [/datacenter|zone|region|host|instance|node|network|infra/i, 'It is confined to part of the infrastructure.'],
];

export function templateProse(brief: IncidentBrief): Prose {
  const { cause } = brief;
  const where = `${brief.service} in ${brief.env}, ${brief.severity}`;
  const unknown = /unknown/i.test(cause.class);
  const symptom = sentence(cause.evidence[0] ?? '');
  const verdict = unknown
    ? `The cause is not known yet (${where}).`
    : `Likely cause: ${lower(cause.title)} (${cause.confidencePercent}% confidence; ${where}).`;
  const summary = [symptom, verdict].filter(Boolean).join(' ');
  const meaning = unknown
    ? 'No single cause explains it with confidence; this is what was checked.'
    : (meanings.find(([pattern]) => pattern.test(cause.class))?.[1] ?? '');
  const explanation = [
    meaning,
    cause.evidence.length ? `Evidence: ${list(cause.evidence)}.` : 'No evidence beyond the anomaly was found.',
    cause.ruledOut.length ? `Ruled out: ${list(cause.ruledOut)}.` : '',
    brief.change ? `The change before it: ${unstop(brief.change)}.` : '',
    options(brief),
  ];
  return { summary, explanation: explanation.filter(Boolean).join(' ') };
}

function options({ options }: IncidentBrief): string {
  if (options.length === 0) return 'No remediation is offered: a person should look at it.';
  const each = options.map(
    (o) => `${unstop(o.title)} (${unstop(o.why)}; ${o.allowedAlone ? 'ZeroOps may run it alone' : 'needs approval'})`,
  );
  return `Options: ${each.join('; ')}.`;
}

const unstop = (text: string) => text.replace(/[.;\s]+$/, '');
const list = (items: string[]) => items.map(unstop).join('; ');
const lower = (text: string) => (/^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text);
/** A capital first letter for a plain word, never for a name (`checkout-a1: …` stays as it is). */
const sentence = (text: string) => {
  const t = unstop(text);
  const capital = /^[a-z]+[\s,]/.test(t) ? `${t[0]!.toUpperCase()}${t.slice(1)}` : t;
  return t ? `${capital}${/[!?]$/.test(t) ? '' : '.'}` : '';
};
