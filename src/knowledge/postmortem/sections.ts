/** The sections of a postmortem, in the order of the Google SRE template; the narrative ones here. Pure. */
import { code } from '../../plan/markdown.js';
import type { PostmortemInput, Section } from './input.js';
import { bullets, oneLine, sentence } from './markdown.js';
import { items, lessonsLearned, resolution, supporting, timeline } from './record-sections.js';
import { durationWords, span, utc } from './time.js';

const severities: Record<string, string> = {
  sev1: 'critical: many customers, an SLA broken, or data exposed (a major incident)',
  sev2: 'a core function unavailable or badly degraded for most users (a major incident)',
  sev3: 'partial loss, or no redundancy left; may become a sev2',
  sev4: 'minor, no customer impact',
};

function impactDuration({ impact }: PostmortemInput): string {
  const ms = span(impact.startedAt, impact.resolvedAt);
  return ms === undefined ? 'an unrecorded time' : durationWords(ms);
}

const summary: Section = (input) => {
  const actions = input.resolution.actions.map((a) => oneLine(a.what));
  return [
    sentence(input.cause.summary),
    `In ${input.env}, ${input.service} was affected for ${impactDuration(input)} (${input.severity}).`,
    actions.length ? `It was mitigated by: ${actions.join('; ')}.` : 'No remediation action was recorded.',
  ].join(' ');
};

const impact: Section = (input) => {
  const { startedAt, resolvedAt, affected, errorBudgetSpent } = input.impact;
  const meaning = severities[input.severity.toLowerCase()];
  return bullets(
    [
      sentence(input.impact.summary),
      `**Started:** ${utc(startedAt)} UTC · **resolved:** ${resolvedAt ? `${utc(resolvedAt)} UTC` : 'not recorded'}`,
      `**Duration:** ${impactDuration(input)}`,
      `**Affected:** ${affected.length ? affected.map(oneLine).join(', ') : 'nothing recorded'}`,
      ...(errorBudgetSpent ? [`**Error budget spent:** ${errorBudgetSpent}`] : []),
      `**Severity:** ${input.severity}${meaning ? ` — ${meaning}` : ''}`,
    ],
    '',
  );
};

const rootCause: Section = ({ cause }) =>
  `${sentence(cause.title)} Its class: ${code(cause.class)}.\n\n${sentence(cause.summary)}`;

const trigger: Section = ({ trigger: t }) => {
  if (!t) return 'No trigger was recorded: the cause built up without a change ZeroOps knows of.';
  const source = [t.runId ? `run ${code(t.runId)}` : '', t.pullNumber ? `from #${t.pullNumber}` : ''].filter(Boolean);
  const where = source.length ? `, in ${source.join(' ')}` : '';
  return `${sentence(t.description)} It happened at ${utc(t.at)} UTC${where}.`;
};

const detection: Section = (input) => {
  const { how, at, inspection } = input.detection;
  const ms = span(input.impact.startedAt, at);
  const delay =
    ms === undefined
      ? 'unknown'
      : ms < 0
        ? `detected ${durationWords(ms)} before the impact began`
        : `${durationWords(ms)} after the impact began`;
  return bullets(
    [
      `**How:** ${how}${inspection ? ` (inspection ${code(inspection)})` : ''}`,
      `**When:** ${utc(at)} UTC`,
      `**Time to detect:** ${delay}`,
    ],
    '',
  );
};

/** The template's sections after the title block, in order. */
export const sections: [heading: string, render: Section][] = [
  ['Summary', summary],
  ['Impact', impact],
  ['Root cause', rootCause],
  ['Trigger', trigger],
  ['Detection', detection],
  ['Resolution', resolution],
  ['Action items', items],
  ['Lessons learned', lessonsLearned],
  ['Timeline', timeline],
  ['Supporting information', supporting],
];
