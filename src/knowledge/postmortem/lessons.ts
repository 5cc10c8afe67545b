/**
 * Lessons learned, drafted only from recorded facts (times, outcomes, verification), so each line
 * can be checked against the timeline; the authors add what the record cannot know. Pure.
 */
import { code } from '../../plan/markdown.js';
import type { PostmortemInput } from './input.js';
import { durationWords, span } from './time.js';

interface Lessons {
  wentWell: string[];
  wentWrong: string[];
  gotLucky: string[];
}

const failed = /fail|error|did not|no effect|timed? ?out|rolled back|worse/i;
const paged = /\bpag(e|ed|ing)\b/i;
const preventable = /leak|goroutine|memory|release|regression|deploy|config/i;
const minutes = (n: number) => n * 60_000;

export function lessons(input: PostmortemInput): Lessons {
  const found: Lessons = { wentWell: [], wentWrong: [], gotLucky: [] };
  whoNoticed(input, found);
  howFast(input, found);
  remediation(input, found);
  diagnosis(input, found);
  luck(input, found);
  return found;
}

/** Who noticed first: an inspection of ZeroOps, or a page to a person (as the timeline shows). */
function whoNoticed(input: PostmortemInput, { wentWell, wentWrong }: Lessons): void {
  const page = input.timeline.find((e) => paged.test(e.what));
  const inspection = input.detection.inspection ? `its ${code(input.detection.inspection)} inspection` : undefined;
  if (!page) {
    if (inspection) wentWell.push(`ZeroOps found it with ${inspection}; no page appears in the timeline.`);
    return;
  }
  const lead = span(page.at, input.detection.at);
  if (lead !== undefined && lead > 0) wentWrong.push(`A page came ${durationWords(lead)} before ZeroOps detected it.`);
  else wentWell.push(`It was detected${inspection ? ` by ${inspection}` : ''} before any page.`);
}

function howFast(input: PostmortemInput, { wentWell, wentWrong }: Lessons): void {
  const toDetect = span(input.impact.startedAt, input.detection.at);
  if (toDetect !== undefined && toDetect <= 0) wentWell.push('It was detected before the impact began.');
  else if (toDetect !== undefined && toDetect <= minutes(5))
    wentWell.push(`It was detected ${durationWords(toDetect)} after the impact began.`);
  else if (toDetect !== undefined) wentWrong.push(`Detection took ${durationWords(toDetect)}.`);
  const toMitigate = span(input.impact.startedAt, input.impact.resolvedAt);
  if (toMitigate !== undefined && toMitigate > minutes(30))
    wentWrong.push(`Mitigation took ${durationWords(toMitigate)} from the start of the impact.`);
}

function remediation(input: PostmortemInput, { wentWell, wentWrong }: Lessons): void {
  const actions = input.resolution.actions;
  const failures = actions.filter((a) => failed.test(a.outcome));
  if (actions.length > failures.length)
    wentWell.push(`${actions.length - failures.length} of ${actions.length} remediation action(s) worked.`);
  for (const a of failures) wentWrong.push(`${a.what} did not work: ${a.outcome}.`);
  if (input.resolution.verified) wentWell.push(`The remediation was verified: ${input.resolution.verified}.`);
  else wentWrong.push('Nothing verified the remediation after it ran.');
}

function diagnosis(input: PostmortemInput, { wentWell, wentWrong }: Lessons): void {
  const { cause, trigger } = input;
  if (cause.ruledOut.length) wentWell.push(`${cause.ruledOut.length} other cause(s) were ruled out with evidence.`);
  if (trigger?.runId || trigger?.pullNumber)
    wentWell.push('The change that triggered it is known from the run history.');
  if (/unknown/i.test(cause.class)) wentWrong.push('The root cause could not be determined from the evidence.');
  else if (preventable.test(cause.class))
    wentWrong.push(`${cause.title} was not caught by tests or gates before it reached ${input.env}.`);
}

function luck(input: PostmortemInput, { gotLucky }: Lessons): void {
  const healedBeforeDetection = span(input.impact.resolvedAt, input.detection.at);
  if (healedBeforeDetection !== undefined && healedBeforeDetection >= 0)
    gotLucky.push('The impact stopped on its own before it was detected.');
  if (input.impact.affected.length === 0) gotLucky.push('Nothing was recorded as affected.');
  if (gotLucky.length === 0) gotLucky.push('Nothing recorded: add what helped by chance (e.g. low traffic then).');
}
