/** The demo's chapters, in order, and how to pick some of them. */
import type { Chapter } from './chapter.js';
import { approvalsChapter } from './chapter-approvals.js';
import { lanesChapter } from './chapter-lanes.js';
import { mistakeChapter } from './chapter-mistake.js';
import { patrolChapter } from './chapter-patrol.js';
import { pullRequestChapter } from './chapter-pull-request.js';
import { startChapter } from './chapter-start.js';
import { breachChapter, drainChapter } from './chapter-execute.js';
import { trafficChapter } from './chapter-traffic.js';
import { schemaChapter } from './chapter-schema.js';
import { failoverChapter } from './chapter-failover.js';
import { askChapter } from './chapter-ask.js';

export const chapters: Chapter[] = [
  startChapter,
  pullRequestChapter,
  mistakeChapter,
  trafficChapter,
  drainChapter,
  breachChapter,
  askChapter,
  approvalsChapter,
  patrolChapter,
  schemaChapter,
  failoverChapter,
  // Last: its lanes keep serving their users afterwards, which would blur the datacenter splits before.
  lanesChapter,
];

/** The chapters to run for the names asked (all when none), with what they need, in story order. */
export function selectChapters(names: readonly string[]): Chapter[] {
  if (names.length === 0) return chapters;
  const unknown = names.filter((n) => !chapters.some((c) => c.name === n));
  if (unknown.length)
    throw new Error(`no chapter ${unknown.join(', ')}: the chapters are ${chapters.map((c) => c.name).join(', ')}`);
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const need of chapters.find((c) => c.name === name)!.needs ?? []) add(need);
  };
  names.forEach(add);
  return chapters.filter((c) => wanted.has(c.name));
}
