/** A run's check run on the GitHub double, as the end-to-end tests follow it. */
import type { GitHubDouble } from '../../lab/github-double/index.js';
import { eventually } from './lab.js';

/** The newest check run of the task's run. */
export const runCheckOf = (github: GitHubDouble, task: string) =>
  github
    .checkRuns()
    .filter((c) => c.name === `ZeroOps run: ${task}`)
    .at(-1);

/** True once the run waits for `/zeroops approve-step <step>` (false after two minutes). */
export const waitingForApproval = (github: GitHubDouble, task: string, step: string) =>
  eventually(
    () => runCheckOf(github, task)?.title?.includes(`waiting for approval of step ${step}`) ?? false,
    120_000,
    500,
  );
