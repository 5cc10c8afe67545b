/**
 * Holds prose a language model wrote to the brief it was given: two plain strings of bounded
 * length, naming no action the diagnosis did not offer and no number the brief does not have.
 * The model explains; it never gets to suggest or invent. Pure.
 */
import type { IncidentBrief } from './brief.js';
import { actionsIn, numbersIn } from './vocabulary.js';

export interface Prose {
  summary: string;
  explanation: string;
}

type Checked = { ok: true; prose: Prose } | { ok: false; reason: string };

export const proseLimits = { summary: 700, explanation: 1400 };

export function checkProse(answer: unknown, brief: IncidentBrief): Checked {
  const { summary, explanation } = (answer ?? {}) as Record<string, unknown>;
  if (typeof summary !== 'string' || typeof explanation !== 'string')
    return { ok: false, reason: 'the answer lacks a summary or an explanation string' };
  const prose = { summary: summary.trim(), explanation: explanation.trim() };
  for (const field of ['summary', 'explanation'] as const) {
    if (!prose[field]) return { ok: false, reason: `the ${field} is empty` };
    if (prose[field].length > proseLimits[field])
      return { ok: false, reason: `the ${field} is longer than ${proseLimits[field]} characters` };
  }
  const text = `${prose.summary}\n${prose.explanation}`;
  const offered = actionsIn(brief.options.map((o) => `${o.id.replace(/[-_]/g, ' ')} ${o.title}`).join('\n'));
  const foreign = [...actionsIn(text)].filter((action) => !offered.has(action));
  if (foreign.length) return { ok: false, reason: `it names actions that are not options: ${foreign.join(', ')}` };
  const known = numbersIn(JSON.stringify(brief));
  const invented = [...numbersIn(text)].filter((n) => !known.has(n));
  if (invented.length) return { ok: false, reason: `it has numbers that are not in the brief: ${invented.join(', ')}` };
  return { ok: true, prose };
}
