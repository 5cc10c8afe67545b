/**
 * The messages that ask a language model for an incident's prose: the brief as JSON, and rules that
 * keep the model to explaining it (no action outside the options, no number outside the brief). Pure.
 */
import type { IncidentBrief } from './brief.js';
import { proseLimits } from './check-prose.js';

export interface PromptMessage {
  role: 'system' | 'user';
  content: string;
}

export function promptFor(brief: IncidentBrief): PromptMessage[] {
  const titles = brief.options.map((o) => `"${o.title}"`).join(', ');
  const options = titles
    ? `Recommend no action except these options, named by their titles: ${titles}.`
    : 'There are no options: recommend no action at all.';
  const system = [
    'You write the prose of an incident report for ZeroOps, a GitOps operations bot. You explain; you never decide.',
    'Answer with one JSON object and nothing else: {"summary": "...", "explanation": "..."}.',
    '- summary: 2 to 4 sentences: what is wrong, where, and how sure the diagnosis is.',
    '- explanation: 2 to 4 sentences: why this cause, from the evidence, and why not the ruled-out causes.',
    'Rules:',
    '- Use only facts in the brief.',
    '- Write no number that is not in the brief: no estimates, totals, percentages or times of your own.',
    `- ${options}`,
    '- Mention no action outside the options (rolling back, restarting, scaling, draining, shifting traffic,' +
      ' deploying a fix, changing a setting), not even to say it is not needed.',
    `- Plain text, no Markdown; summary under ${proseLimits.summary} characters,` +
      ` explanation under ${proseLimits.explanation}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Incident brief (JSON):\n${JSON.stringify(brief, null, 2)}` },
  ];
}
