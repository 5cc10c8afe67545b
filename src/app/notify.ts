/**
 * Telling the chat: a notice goes to the channels it concerns. A notice that cannot be queued is
 * logged, never thrown: the chat is told about the work, it never stops it.
 */
import { concerns, type Notice, type NotifyChannel } from '../knowledge/notice.js';
import type { Log, Notifier } from './ports.js';

export interface TellDeps {
  notifier?: Notifier;
  log: Log;
}

/** True when every notice was queued (or none was due); false when one must be tried again. */
export async function tell(
  deps: TellDeps,
  notices: readonly Notice[],
  channels: readonly NotifyChannel[],
): Promise<boolean> {
  if (!deps.notifier || channels.length === 0) return true;
  let queued = true;
  for (const notice of notices) {
    const to = channels.filter((channel) => concerns(channel, notice));
    if (to.length === 0) continue;
    try {
      await deps.notifier.notify(notice, to);
    } catch (error) {
      queued = false;
      deps.log.error({ notice: notice.key, err: (error as Error).message }, 'notice not queued');
    }
  }
  return queued;
}
