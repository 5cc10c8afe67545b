/**
 * Incidents told to the chat. The channels an opening was told to are remembered with the incident
 * (the config of that moment), so its resolution reaches the same people — whoever resolves it,
 * whenever, without reading the config again. Each notice is sent once: by its key, and by a
 * checkpoint once it was queued.
 */
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import { incidentOpened, incidentResolved, type IncidentFacts } from '../knowledge/incident-notices.js';
import type { NotifyChannel } from '../knowledge/notice.js';
import { tell, type TellDeps } from './notify.js';
import { repoKey } from './record-keys.js';

export interface IncidentNoticeDeps extends TellDeps {
  store: Store;
}

interface Audience {
  facts: IncidentFacts;
  channels: readonly NotifyChannel[];
}

const audienceKey = (repo: RepoRef, issue: number) => `notify-audience/${repoKey(repo)}#${issue}`;
const resolvedKey = (repo: RepoRef, issue: number) => `notified-resolved/${repoKey(repo)}#${issue}`;

export async function noticeIncidentOpened(
  deps: IncidentNoticeDeps,
  facts: IncidentFacts,
  channels: readonly NotifyChannel[],
): Promise<boolean> {
  if (!deps.notifier || channels.length === 0) return true;
  await deps.store.saveCheckpoint(audienceKey(facts.repo, facts.issue), { facts, channels } satisfies Audience);
  return tell(deps, [incidentOpened(facts)], channels);
}

/** Nothing when the opening was not told (no channels then, or before ZeroOps notified at all). */
export async function noticeIncidentResolved(
  deps: IncidentNoticeDeps,
  repo: RepoRef,
  issue: number,
  how: string,
): Promise<void> {
  if (!deps.notifier || (await deps.store.checkpoint(resolvedKey(repo, issue)))) return;
  const audience = await deps.store.checkpoint<Audience>(audienceKey(repo, issue));
  if (!audience) return;
  if (await tell(deps, [incidentResolved(audience.facts, how)], audience.channels))
    await deps.store.saveCheckpoint(resolvedKey(repo, issue), true);
}
