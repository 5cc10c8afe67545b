/** The installation's Octokit, as Probot hands it to the app. */
import type { ProbotOctokit } from 'probot';

export type Octokit = InstanceType<typeof ProbotOctokit>;
