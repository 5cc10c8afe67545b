/** The demo's chapters, in order, and what they share. */
import type { RunningServer } from '../../src/main/server.js';
import type { Lab } from '../lab.js';
import { approvalsChapter } from './chapter-approvals.js';
import { mistakeChapter } from './chapter-mistake.js';
import { pullRequestChapter } from './chapter-pull-request.js';
import { startChapter } from './chapter-start.js';
import { breachChapter, drainChapter } from './chapter-execute.js';
import { trafficChapter } from './chapter-traffic.js';

export interface DemoContext {
  lab?: Lab;
  app?: RunningServer;
  /** The ops repo's files on the default branch, and the example tasks a PR adds. */
  files: Record<string, string>;
  tasks: Record<string, string>;
  pullNumber?: number;
}

export interface Chapter {
  /** What a person types to run it alone: `npm run demo -- <name>`. */
  name: string;
  title: string;
  /** Chapters it builds on; they run first when it runs alone. */
  needs?: string[];
  run(context: DemoContext): Promise<void>;
}

export const chapters: Chapter[] = [startChapter, pullRequestChapter, mistakeChapter, trafficChapter, drainChapter, breachChapter, approvalsChapter];

/** The chapters to run for the names asked (all when none), with what they need, in story order. */
export function selectChapters(names: readonly string[]): Chapter[] {
  if (names.length === 0) return chapters;
  const unknown = names.filter((n) => !chapters.some((c) => c.name === n));
  if (unknown.length) throw new Error(`no chapter ${unknown.join(', ')}: the chapters are ${chapters.map((c) => c.name).join(', ')}`);
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const need of chapters.find((c) => c.name === name)!.needs ?? []) add(need);
  };
  names.forEach(add);
  return chapters.filter((c) => wanted.has(c.name));
}
