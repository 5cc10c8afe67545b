/**
 * The event chain: every state change of a run, each event carrying the hash of the one before it,
 * so an altered, removed or reordered event is detected. Pure.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../plan/fingerprint.js';

export interface ChainEvent {
  chain: string;
  seq: number;
  type: string;
  at: string;
  actor: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type NewEvent = Pick<ChainEvent, 'type' | 'actor' | 'data'>;

export const genesisHash = 'sha256:0';

export function hashEvent(event: Omit<ChainEvent, 'hash'>): string {
  const { chain, seq, type, at, actor, data, prevHash } = event;
  return `sha256:${createHash('sha256').update(canonicalJson({ chain, seq, type, at, actor, data, prevHash })).digest('hex')}`;
}

export function nextEvent(previous: ChainEvent | undefined, chain: string, event: NewEvent, at: string): ChainEvent {
  const body = { chain, seq: (previous?.seq ?? 0) + 1, at, ...event, prevHash: previous?.hash ?? genesisHash };
  return { ...body, hash: hashEvent(body) };
}

export interface Verification {
  ok: boolean;
  events: number;
  problems: string[];
}

/** `head` is what the run itself recorded as its last event, so a cut-off tail is found too. */
export function verifyChain(events: readonly ChainEvent[], head?: { seq: number; hash: string }): Verification {
  const problems: string[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  sorted.forEach((event, i) => {
    const expectedSeq = i + 1;
    if (event.seq !== expectedSeq) problems.push(`event ${expectedSeq} is missing (found ${event.seq} in its place)`);
    const expectedPrev = i === 0 ? genesisHash : sorted[i - 1]!.hash;
    if (event.prevHash !== expectedPrev)
      problems.push(
        `event ${event.seq} (${event.type}) does not follow event ${event.seq - 1}: the chain was cut or reordered`,
      );
    if (hashEvent(event) !== event.hash)
      problems.push(`event ${event.seq} (${event.type}) was altered after it was recorded`);
  });
  if (sorted.length === 0) problems.push('no events recorded');
  const last = sorted.at(-1);
  if (head && (last?.seq !== head.seq || last?.hash !== head.hash)) {
    problems.push(
      `the run recorded ${head.seq} events, the chain ends at ${last?.seq ?? 0}: events were removed or added`,
    );
  }
  return { ok: problems.length === 0, events: sorted.length, problems };
}
