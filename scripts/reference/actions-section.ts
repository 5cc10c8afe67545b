// "Runbook actions": every operation this version executes, from src/plan/action-docs.ts.
import type { ActionDoc } from '../../src/plan/action-doc.js';
import { table, yamlBlock } from './markdown.js';

export interface RunbookFacts {
  /** A Runbook step's timeout and retries when it sets none. */
  stepTimeout: string;
  stepRetries: number;
}

export function actionsSection(actions: readonly [string, ActionDoc][], facts: RunbookFacts): string {
  return ['## Runbook actions', intro(actions, facts), ...actions.map(([name, doc]) => action(name, doc))].join('\n\n');
}

function intro(actions: readonly [string, ActionDoc][], facts: RunbookFacts): string {
  const names = actions.map(([name]) => `\`${name}\``).join(', ');
  return [
    "A Runbook step's `action`, and its `undo`, is `{ provider, operation, params }`. This version executes " +
      `exactly these: ${names}. A plan of a kind that executes is refused on the pull request, before anyone ` +
      'approves it, when it needs any other.',
    `A step may also set \`timeout\` (default ${facts.stepTimeout}), \`retries\` (default ${facts.stepRetries}) and ` +
      '`approve` (wait for `/zeroops approve-step <name>`). A failed attempt is retried while retries are left, ' +
      'after 1 s, 2 s, 4 s … (60 s at most), unless the action says retrying cannot help. When a step still fails, ' +
      'or a gate is breached, the run rolls back: the `undo` of every step that started runs, the last step ' +
      'first, each tried once; if one fails, the run stops as failed for a person to look at.',
    "HAProxy operations go through the admin socket in the config's `spec.providers.haproxy.socket` (without " +
      'one they fail at once). When HAProxy has reloaded since ZeroOps last changed it, the settings that ' +
      'unfinished runs made are applied again first.',
  ].join('\n\n');
}

function action(name: string, doc: ActionDoc): string {
  const params = doc.params.map((p) => [`\`${p.name}\``, p.type, p.required ? 'yes' : 'no', p.meaning]);
  return [
    `### \`${name}\``,
    doc.does,
    table(['Param', 'Type', 'Required', 'Meaning'], params),
    `**Undo:** ${doc.undo}`,
    ...(doc.example ? ['Example step:', yamlBlock([doc.example])] : []),
  ].join('\n\n');
}
