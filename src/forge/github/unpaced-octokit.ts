/**
 * Octokit without its request pacing. GitHub asks integrations to pace writes (about one a second)
 * to stay under its secondary rate limits, and Probot does so by default; a GitHub Enterprise
 * Server with rate limiting turned off, or the lab's GitHub double, has no such limits, and the
 * pacing is only latency there (ZEROOPS_GITHUB_PACING=off).
 */
import { ProbotOctokit } from 'probot';

export function unpacedOctokit(base: typeof ProbotOctokit = ProbotOctokit): typeof ProbotOctokit {
  // A function, so it applies to the final options: Probot adds its throttle defaults otherwise.
  return base.defaults((options: Record<string, object>) => ({
    ...options,
    throttle: { ...options.throttle, enabled: false },
  })) as typeof ProbotOctokit;
}
