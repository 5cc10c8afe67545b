/**
 * A postmortem drafted from a closed incident, following the Google SRE template, to be proposed as
 * a pull request adding `postmortems/<date>-<slug>.md`. Pure and deterministic: same input, same
 * draft; no clock is read (every time comes from the incident's record).
 */
import type { PostmortemInput } from './postmortem/input.js';
import { oneLine } from './postmortem/markdown.js';
import { sections } from './postmortem/sections.js';
import { utc, utcDate } from './postmortem/time.js';

export type { PostmortemInput } from './postmortem/input.js';

export interface Postmortem {
  path: string;
  title: string;
  markdown: string;
  prTitle: string;
  prBody: string;
}

export function draftPostmortem(input: PostmortemInput): Postmortem {
  const date = utcDate(input.impact.startedAt) ?? utcDate(input.closedAt) ?? 'undated';
  const path = `postmortems/${date}-${slug(input.title)}.md`;
  const title = `Postmortem: ${oneLine(input.title)}`;
  const markdown = [
    `# ${title}`,
    [
      `- **Date:** ${date}`,
      `- **Authors:** drafted by ZeroOps from incident #${input.issueNumber}; edit me`,
      '- **Status:** draft',
      `- **Service:** ${oneLine(input.service)} (${oneLine(input.env)}) · **severity:** ${oneLine(input.severity)}`,
    ].join('\n'),
    ...sections.map(([heading, render]) => `## ${heading}\n\n${render(input)}`),
  ].join('\n\n');
  return { path, title, markdown: `${markdown}\n`, prTitle: title.slice(0, 256), prBody: prBody(input, path) };
}

/** Lowercase words joined by dashes, at most 60 characters, cut at a word boundary when one is near. */
function slug(title: string): string {
  const full = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (full.length <= 60) return full || 'incident';
  const cut = full.slice(0, 61);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 30 ? cut.slice(0, lastDash) : cut.slice(0, 60)).replace(/-+$/, '');
}

function prBody(input: PostmortemInput, path: string): string {
  const closer = oneLine(input.closedBy).replace(/^@/, '');
  return [
    `The postmortem of #${input.issueNumber}, closed by @${closer} at ${utc(input.closedAt)} UTC: it adds \`${path}\`.`,
    '',
    'ZeroOps drafted it from the incident record (diagnosis, actions, event chain) following the SRE template.',
    'It is blameless: it says what happened, not who is at fault. Before merging:',
    '',
    '- [ ] check the impact and the timeline',
    '- [ ] give each action item an owner and a tracking issue',
    '- [ ] add to the lessons what the record cannot know',
  ].join('\n');
}
