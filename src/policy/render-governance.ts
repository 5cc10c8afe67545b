/** Governed changes and what else decides a run (base branch, change windows), as Markdown. Pure. */
import type { Config } from '../manifest/model.js';
import { describeOwners } from './approvals.js';
import type { GovernanceItem } from './governance.js';
import { changeWindow, describeSchedule, nextOpening } from './windows.js';

export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderGovernance(
  items: readonly GovernanceItem[],
  approved: { branch: string; sha: string },
): string[] {
  if (items.length === 0) return [];
  return [
    `#### 🔐 Governed files changed (against \`${approved.branch}\` at ${approved.sha.slice(0, 7)}, its last approved state)`,
    '',
    'These files decide what runs and who approves it, so each change needs approval like a plan.',
    '',
    '| File | What changes | Affects | Approvals needed |',
    '|---|---|---|---|',
    ...items.map(
      (item) =>
        `| \`${cell(item.path)}\` | ${item.changes.map(cell).join('<br>')} | ${affects(item)} | ${describeRequirement(item)} |`,
    ),
    '',
  ];
}

const affects = (item: GovernanceItem) =>
  item.path.startsWith('.zeroops/')
    ? 'every task'
    : item.affects.length
      ? item.affects.map((t) => `\`${t}\``).join(', ')
      : 'no task yet';

function describeRequirement(item: GovernanceItem): string {
  return [`${item.required}`, ...item.owners.map((g) => `incl. ${describeOwners(g)}`)].join(' ');
}

/**
 * When plans may run, from the approved config's windows and freezes: once per set of environments
 * that hold a plan together (its own and those sharing its targets, judged as one, as a merge is).
 */
export function renderSchedule(policy: Config | undefined, held: readonly (readonly string[])[], now: Date): string[] {
  const sets = new Map(held.map((envs) => [envs.join(' + '), envs]));
  return [...sets].flatMap(([label, env]) => {
    const rules = describeSchedule(policy, env, now);
    if (rules.length === 0) return [];
    const verdict = changeWindow(policy, env, now);
    const next = verdict.open ? undefined : nextOpening(policy, env, now);
    const state = verdict.open
      ? `open now (${verdict.reason})`
      : next
        ? `closed now; a merge runs when it next opens, at ${next.toISOString()}`
        : 'closed for the next 35 days';
    return [
      `🕒 **${label}**: ${rules.join('; ')}: ${state} (as of ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC).`,
    ];
  });
}
