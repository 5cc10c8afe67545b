/** The shape of an action's documentation (see action-docs.ts). */
import type { Runbook } from '../manifest/model.js';

export interface ActionParam {
  name: string;
  /** In plain words, e.g. "list of text". */
  type: string;
  required: boolean;
  meaning: string;
}

/** One documented parameter. */
export const param = (name: string, type: string, meaning: string, required = true): ActionParam => ({
  name,
  type,
  required,
  meaning,
});

export interface ActionDoc {
  does: string;
  params: ActionParam[];
  undo: string;
  /** A Runbook step using the action; absent when a Runbook cannot name its provider. */
  example?: Runbook['spec']['steps'][number];
}
