/**
 * What ZeroOps says on the lab's GitHub double, as it says it: each check run as it changes, each
 * comment and each issue, one line each, for the terminal of `zeroops lab up --repo`.
 */
import type { GitHubDouble } from './github-double/index.js';

export function startFeed(github: GitHubDouble, out: (line: string) => void): { stop(): void } {
  const seen = new Map<string, string>();
  const say = (key: string, line: string) => {
    if (seen.get(key) === line) return;
    seen.set(key, line);
    out(`${new Date().toISOString().slice(11, 19)} ${line}`);
  };
  // The first line a person would read: not a hidden marker (<!-- … -->).
  const firstLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.replace(/<!--.*?-->/g, '').trim())
      .find(Boolean)
      ?.slice(0, 160) ?? '';
  const timer = setInterval(() => {
    for (const check of github.checkRuns()) {
      const pr = [...github.state.pulls.values()].find((p) => [p.head.sha, p.mergeCommitSha].includes(check.headSha));
      say(
        `check ${check.id}`,
        `${pr ? `#${pr.number} ` : ''}check "${check.name}": ${check.conclusion ?? check.status} — ${check.title ?? ''}`,
      );
    }
    for (const comment of github.state.comments)
      say(`comment ${comment.id}`, `#${comment.issueNumber} @${comment.user.login}: ${firstLine(comment.body)}`);
    for (const issue of github.state.issues.values())
      say(`issue ${issue.number}`, `issue #${issue.number} (${issue.state}): ${issue.title}`);
  }, 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
