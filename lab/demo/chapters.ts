/** The demo's chapters, in order. Each tells one part of the story in plain words. */
import { planExamples } from './plan-examples.js';

export interface Chapter {
  title: string;
  run(): Promise<void>;
}

export const chapters: Chapter[] = [planExamples];
