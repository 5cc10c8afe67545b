/**
 * Use case: a review was given or dismissed, or the plan changed. Work out which task plans and
 * governed changes are approved (policy and owners from the approved state, fingerprints per
 * commit) and publish "ZeroOps approval".
 */
import type { Forge, PullRequestRef, RepoRef } from '../forge/forge.js';
import { evaluateApprovals, type Permission, type TaskApproval, type TaskApprovalInput } from '../policy/approvals.js';
import { cell } from '../policy/render-governance.js';
import type { ApprovalItem, PlanRecord, PullRecord, Store } from '../engine/store.js';
import { recordedPlan } from './plan-record.js';
import { planRecordId, pullRecordId, requestersKey } from './record-keys.js';

export const approvalCheckName = 'ZeroOps approval';

export interface ApprovalDeps {
  forge: Forge;
  store: Store;
  clock?: () => Date;
}

/** Who wrote, pushed and committed to a pull request, as ZeroOps recorded them and the forge says. */
export async function authorship(
  deps: ApprovalDeps,
  repo: RepoRef,
  number: number,
  recorded?: PullRecord,
): Promise<{ author: string; lastPusher: string; pushers: string[]; requestedBy: string[] }> {
  const pull = recorded ?? (await deps.store.pull(pullRecordId(repo, number)));
  const author = pull?.author ?? (await deps.forge.pullState(repo, number)).author;
  // Pushes ZeroOps heard of, and whoever wrote a commit it did not hear pushed (before the pull request).
  const committers = await deps.forge.commitPeople(repo, number);
  return {
    author,
    lastPusher: pull?.lastPusher ?? author,
    pushers: [...new Set([...(pull?.pushers ?? []), ...committers])],
    requestedBy: (await deps.store.loopState<string[]>(requestersKey(repo, number))) ?? [],
  };
}

/** Members of the teams among `items`' owners, limited to the people asked about. */
export async function teamsOf(
  forge: Forge,
  items: readonly TaskApprovalInput[],
  people: readonly string[],
): Promise<Record<string, string[]>> {
  const teams = [
    ...new Set(
      items
        .flatMap((i) => i.owners.flatMap((g) => g.members))
        .filter((m) => m.includes('/'))
        .map((m) => m.toLowerCase()),
    ),
  ];
  const members: Record<string, string[]> = {};
  for (const team of teams) {
    members[team] = [];
    for (const person of people) if (await forge.isTeamMember(team, person)) members[team].push(person);
  }
  return members;
}

async function withExclusions(
  store: Store,
  items: ApprovalItem[],
  people: readonly string[],
): Promise<TaskApprovalInput[]> {
  return Promise.all(
    items.map(async (item) => {
      if (!item.wroteKey) return item;
      const excluded: { login: string; because: string }[] = [];
      for (const login of people) {
        const wrote = await store.checkpoint<{ pull: number }>(`${item.wroteKey}/${login.toLowerCase()}`);
        if (wrote)
          excluded.push({ login, because: `brought this change in with #${wrote.pull}, merged without approval` });
      }
      return { ...item, excluded };
    }),
  );
}

/** Evaluate the approvals of a pull request's items, against the reviews given so far. */
export async function approvalsFor(
  deps: ApprovalDeps,
  pr: PullRequestRef,
  items: ApprovalItem[],
): Promise<TaskApproval[]> {
  const reviews = await deps.forge.reviews(pr, pr.number);
  const pull = await deps.store.pull(pullRecordId(pr, pr.number));
  const who = await authorship(deps, pr, pr.number, pull);
  const recordsAt = new Map<string, PlanRecord | undefined>();
  const permissions: Record<string, Permission> = {};
  for (const review of reviews) {
    if (!recordsAt.has(review.commitSha))
      recordsAt.set(review.commitSha, await recordedPlan(deps, pr, review.commitSha));
    permissions[review.user] ??= await deps.forge.permission(pr, review.user);
  }
  const movedHere = pull?.baseSince;
  // An approval is of a merge into one branch: one given while the pull request merged elsewhere (where
  // merging may execute nothing, and the plan said so) approves nothing here.
  const stale = (review: { commitSha: string; submittedAt: string }): string | undefined => {
    const base = recordsAt.get(review.commitSha)?.base;
    if (base !== undefined && base !== pr.baseRef) return `approved the change while it merged into ${base}`;
    if (movedHere?.base === pr.baseRef && Date.parse(review.submittedAt) < Date.parse(movedHere.at))
      return `approved before the pull request was moved to ${pr.baseRef}`;
    return undefined;
  };
  const approving = [...new Set(reviews.filter((r) => r.state === 'APPROVED').map((r) => r.user))];
  return evaluateApprovals({
    tasks: await withExclusions(deps.store, items, approving),
    ...who,
    permissions,
    teams: await teamsOf(deps.forge, items, approving),
    reviews: reviews.map((r) => {
      const at = recordsAt.get(r.commitSha);
      const why = stale(r);
      return {
        user: r.user,
        state: r.state,
        submittedAt: r.submittedAt,
        fingerprints: at && Object.fromEntries(at.tasks.map((t) => [t.name, t.fingerprint])),
        ...(why ? { stale: why } : {}),
      };
    }),
  });
}

export async function publishApprovalStatus(
  deps: ApprovalDeps,
  pr: PullRequestRef,
): Promise<TaskApproval[] | undefined> {
  const record = await deps.store.planRecord(planRecordId(pr, pr.number, pr.headSha));
  if (!record || record.tasks.length === 0) return undefined;
  const approvals = await approvalsFor(deps, pr, record.tasks);
  const waiting = approvals.filter((a) => !a.approved);
  const rows = approvals.map(
    (a) =>
      `| \`${cell(a.task)}\` | ${a.approved ? '✅ approved' : '⏳ waiting'} | ${a.approvers.map((u) => `@${u}`).join(', ') || '—'} | ${cell(a.missing.join('; ')) || '—'} |`,
  );
  await deps.forge.publishCheck(pr, {
    name: approvalCheckName,
    headSha: pr.headSha,
    conclusion: waiting.length ? 'action_required' : 'success',
    title: waiting.length
      ? `${waiting.length} of ${approvals.length} item(s) still need approval`
      : `All ${approvals.length} item(s) approved`,
    summary: [
      'Approvals count from people with write access who did not write, push or ask for the change, ' +
        'for the exact plan or file version they reviewed. ' +
        "The policy and the owners come from the default branch's last approved state, never from this pull request.",
      '',
      '| Item | State | Approved by | Still missing |',
      '|---|---|---|---|',
      ...rows,
      ...(record.notes?.length ? ['', ...record.notes] : []),
    ].join('\n'),
    annotations: [],
  });
  return approvals;
}
