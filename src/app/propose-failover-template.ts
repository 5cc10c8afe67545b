/**
 * Use case: a failover that ended back at the original weights is proposed as a reusable SOP — a
 * pull request adding templates/dc-latency-failover.yaml when the team has none, or a new version
 * of it when the one it has gates differently — and the incident links to the proposal.
 */
import type { Forge, RepoRef } from '../forge/forge.js';
import { failoverTemplate, failoverTemplatePath, learnedFrom } from '../knowledge/failover-template.js';
import type { Service } from '../manifest/model.js';
import type { OpenEpisode } from './failover-incidents.js';

export interface RecoveryHold {
  stepSeconds: number;
  recoveryErrorSlack: number;
  recoveryLatencyFactor: number;
}

export async function proposeFailoverTemplate(
  forge: Forge,
  repo: RepoRef,
  service: Service,
  episode: OpenEpisode,
  hold: RecoveryHold,
): Promise<number | undefined> {
  const learned = learnedFrom(episode, service, hold);
  if (!learned) return undefined;
  const head = await forge.defaultBranch(repo);
  const existing = await forge.readFile(repo, failoverTemplatePath, head.sha);
  const proposal = failoverTemplate(learned, episode, existing);
  if (!proposal) return undefined;
  const gates = learned.analysis.map((a) => `\`${a.metric}\` ≤ ${a.max}`).join(', ');
  const { number } = await forge.proposeChange(repo, {
    branch: `zeroops/dc-latency-failover-v${proposal.version}`,
    title: `SOP template dc-latency-failover v${proposal.version}, from incident #${episode.issue}`,
    body: [
      `The datacenter watch brought ${episode.dc} back in ${learned.steps} steps held ` +
        `${learned.intervalSeconds}s each,`,
      `gated on ${gates} (its normal before the incident). Saving it as a template lets a person run the`,
      `same warm-up as a TrafficShift (\`template: dc-latency-failover@${proposal.version}\`).`,
      '',
      `Why now: ${proposal.why}. Review and merge it like any change to templates/.`,
    ].join('\n'),
    files: { [failoverTemplatePath]: proposal.text },
    labels: ['zeroops'],
  });
  await forge.comment(repo, episode.issue, `Proposed the response as a reusable SOP template: #${number}.`);
  return number;
}
