/** The sections of a postmortem made from the incident's lists: actions, items, lessons, timeline, evidence. Pure. */
import { actionItems } from './action-items.js';
import { lessons } from './lessons.js';
import { bullets, oneLine, table } from './markdown.js';
import type { Section } from './input.js';
import { byTime, durationWords, span, utc } from './time.js';

export const resolution: Section = (input) => {
  const { startedAt, resolvedAt } = input.impact;
  const toMitigate = span(startedAt, resolvedAt);
  const afterDetection = span(input.detection.at, resolvedAt);
  const mitigate =
    toMitigate === undefined
      ? 'not recorded'
      : `${durationWords(toMitigate)} from the start of the impact` +
        (afterDetection !== undefined && afterDetection >= 0
          ? `, ${durationWords(afterDetection)} after detection`
          : '');
  const actions = byTime(input.resolution.actions).map((a) => [`${utc(a.at)}`, a.what, a.by, a.outcome]);
  return [
    bullets(
      [
        `**Time to mitigate:** ${mitigate}`,
        `**Verified:** ${input.resolution.verified ?? 'no: nothing checked the remediation after it ran'}`,
      ],
      '',
    ),
    actions.length ? table(['Time (UTC)', 'Action', 'By', 'Outcome'], actions) : 'No remediation action was recorded.',
  ].join('\n\n');
};

export const items: Section = (input) =>
  table(
    ['Item', 'Type', 'Owner', 'Tracking'],
    actionItems(input.cause, input.service, Boolean(input.resolution.verified)).map((a) => [
      a.item,
      a.type,
      '@service owners',
      '—',
    ]),
  );

export const lessonsLearned: Section = (input) => {
  const { wentWell, wentWrong, gotLucky } = lessons(input);
  return [
    `### What went well\n\n${bullets(wentWell, 'Nothing recorded.')}`,
    `### What went wrong\n\n${bullets(wentWrong, 'Nothing recorded.')}`,
    `### Where we got lucky\n\n${bullets(gotLucky, 'Nothing recorded.')}`,
  ].join('\n\n');
};

export const timeline: Section = (input) =>
  table(
    ['Time (UTC)', 'Event', 'By'],
    byTime(input.timeline).map((e) => [utc(e.at), e.what, e.by ?? '']),
  );

export const supporting: Section = ({ cause, issueNumber, repo }) =>
  [
    `### Evidence\n\n${bullets(cause.evidence, 'No evidence was recorded.')}`,
    `### Ruled out\n\n${bullets(cause.ruledOut, 'Nothing was ruled out.')}`,
    // Relative to postmortems/<file>.md on GitHub's file view: works on any GitHub host.
    `### Links\n\n- [Incident #${issueNumber}](../../../issues/${issueNumber}) in ${oneLine(repo)}`,
  ].join('\n\n');
