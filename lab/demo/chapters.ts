/** The demo's chapters, in order, and what they share. */
import type { RunningServer } from '../../src/main/server.js';
import type { Lab } from '../lab.js';
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
  title: string;
  run(context: DemoContext): Promise<void>;
}

export const chapters: Chapter[] = [startChapter, pullRequestChapter, mistakeChapter, trafficChapter, drainChapter, breachChapter];
