/** What a demo chapter is, and what the chapters share as the story goes on. */
import type { RunningServer } from '../../src/main/server.js';
import type { Lab } from '../lab.js';
import type { Store } from '../../src/engine/store.js';

export interface DemoContext {
  lab?: Lab;
  app?: RunningServer;
  /** The ops repo's files on the default branch, and the example tasks a PR adds. */
  files: Record<string, string>;
  tasks: Record<string, string>;
  pullNumber?: number;
  /** ZeroOps' store: where a chapter reads a run's exact step times. */
  store?: Store;
}

export interface Chapter {
  /** What a person types to run it alone: `npm run demo -- <name>`. */
  name: string;
  title: string;
  /** Chapters it builds on; they run first when it runs alone. */
  needs?: string[];
  run(context: DemoContext): Promise<void>;
}
