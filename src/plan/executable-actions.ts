/**
 * The actions this version of ZeroOps carries out. A plan of an executing kind that needs any
 * other is refused when it is planned, on the pull request, never discovered during the run. The
 * Effects adapter implements exactly these (a test holds the two together). Pure.
 */
import type { Action } from './types.js';

export const executableActions: readonly string[] = [
  'command run',
  'haproxy restore-datacenter-weights',
  'haproxy set-datacenter-weights',
  'haproxy set-server-state',
  'lanes deploy',
  'lanes hand-back',
  'lanes retire',
  'lanes route',
  'lanes take-over',
  'mysql describe-table',
  'mysql drop-snapshot',
  'mysql drop-table',
  'mysql execute',
  'mysql online-alter',
  'mysql rename-column',
  'mysql rename-table',
  'mysql restore-column-snapshot',
  'mysql snapshot-column',
  'postgres add-column',
  'postgres assert-no-new-writes',
  'postgres assert-column-unused',
  'postgres assert-table-unused',
  'postgres backfill',
  'postgres column-readers',
  'postgres create-sync-trigger',
  'postgres drop-column',
  'postgres drop-index',
  'postgres drop-sync-trigger',
  'postgres drop-table',
  'postgres execute',
  'postgres rename-column',
  'postgres rename-table',
  'postgres restore-index',
  'postgres restore-column-snapshot',
  'postgres snapshot-column',
  'postgres verify-column',
  'webhook call',
  'zeroops await-approval',
];

export const actionName = (action: Action) => `${action.provider} ${action.operation}`;
export const isExecutable = (action: Action) => executableActions.includes(actionName(action));
