/** Check runs on GitHub: the plan's report with its annotations, and the run's check updated step by step. */
import type { Annotation, CheckReport, CheckUpdate, RepoRef } from '../forge.js';
import { annotationsPerRequest, batches, checkOutputLimit, fitWithin, maxAnnotations } from './limits.js';
import type { Octokit } from './octokit.js';

export async function publishCheck(octokit: Octokit, { owner, repo }: RepoRef, report: CheckReport): Promise<void> {
  const annotations = report.annotations.slice(0, maxAnnotations).map(toGitHubAnnotation);
  const [first = [], ...rest] = batches(annotations, annotationsPerRequest);
  const output = {
    title: report.title.slice(0, 255),
    summary: fitWithin(report.summary, checkOutputLimit, 'a check run summary'),
    ...(report.text ? { text: fitWithin(report.text, checkOutputLimit, 'a check run text') } : {}),
  };
  const { data } = await octokit.rest.checks.create({
    owner,
    repo,
    name: report.name,
    head_sha: report.headSha,
    status: 'completed',
    conclusion: report.conclusion,
    output: { ...output, annotations: first },
  });
  // GitHub takes 50 annotations per request; later updates append to the ones already there.
  for (const batch of rest) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: data.id,
      output: { title: output.title, summary: output.summary, annotations: batch },
    });
  }
}

export async function startCheck(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  name: string,
  headSha: string,
  update: CheckUpdate,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner,
    repo,
    name,
    head_sha: headSha,
    ...checkBody(update),
  });
  return data.id;
}

export async function updateCheck(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  id: number,
  update: CheckUpdate,
): Promise<void> {
  await octokit.rest.checks.update({ owner, repo, check_run_id: id, ...checkBody(update) });
}

function checkBody(update: CheckUpdate) {
  return {
    status: update.status,
    ...(update.conclusion ? { conclusion: update.conclusion } : {}),
    output: {
      title: update.title.slice(0, 255),
      summary: fitWithin(update.summary, checkOutputLimit, 'a check run summary'),
      ...(update.text ? { text: fitWithin(update.text, checkOutputLimit, 'a check run text') } : {}),
    },
  };
}

function toGitHubAnnotation(a: Annotation) {
  return {
    path: a.path,
    start_line: a.line,
    end_line: a.line,
    ...(a.column ? { start_column: a.column, end_column: a.column } : {}),
    annotation_level: a.level,
    title: a.title.slice(0, 255),
    message: a.message.slice(0, 64 * 1024),
  };
}
