import { evaluateApprovals, throughTheApi, type ApprovalInput } from '../../../src/policy/approvals.js';
import { changeWindow, nextOpening } from '../../../src/policy/windows.js';

const base: ApprovalInput = {
  tasks: [
    { name: 'drain', fingerprint: 'fp1', required: 1, owners: [{ of: 'service checkout', members: ['alice', 'bob'] }] },
  ],
  reviews: [],
  permissions: { alice: 'write', bob: 'admin', carol: 'write', mallory: 'read' },
  author: 'carol',
  lastPusher: 'carol',
};
const review = (
  user: string,
  fingerprint = 'fp1',
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' = 'APPROVED',
  at = '2026-11-25T01:00:00Z',
) => ({ user, state, fingerprints: { drain: fingerprint }, submittedAt: at });

describe('approvals', () => {
  it('does not count who asked for the change in words; asks one more approval of what came through the API', () => {
    const [asked] = evaluateApprovals({ ...base, requestedBy: ['alice'], reviews: [review('alice'), review('bob')] });
    expect(asked).toEqual({ task: 'drain', approved: true, approvers: ['bob'], missing: [] });
    const [api] = evaluateApprovals({ ...base, requestedBy: [throughTheApi], reviews: [review('bob')] });
    expect(api!.missing).toEqual([
      '1 more approval(s) (1 of 2, one more than the policy asks: it came through the HTTP API)',
    ]);
    const [two] = evaluateApprovals({
      ...base,
      requestedBy: [throughTheApi],
      reviews: [review('bob'), review('alice')],
    });
    expect(two!.approved).toBe(true);
  });

  it('counts an owner with write access who neither wrote nor pushed the change', () => {
    expect(evaluateApprovals({ ...base, reviews: [review('alice')] })).toEqual([
      { task: 'drain', approved: true, approvers: ['alice'], missing: [] },
    ]);
  });

  it('does not count the author, the last pusher, readers, or an earlier plan, and says so', () => {
    const [result] = evaluateApprovals({
      ...base,
      lastPusher: 'bob',
      reviews: [review('carol'), review('bob'), review('mallory'), review('alice', 'fp0')],
    });
    expect(result!.approved).toBe(false);
    expect(result!.missing).toEqual([
      '1 more approval(s) (0 of 1)',
      'an approval from an owner of service checkout: @alice, @bob',
      'not counted: @carol wrote the change; @bob pushed the last commit; @mallory has no write access; @alice approved an earlier plan of drain',
    ]);
  });

  it('withdraws a dismissed approval, until its author approves again', () => {
    const approved = (reviews: ReturnType<typeof review>[]) => evaluateApprovals({ ...base, reviews })[0]!.approved;
    // GitHub turns a dismissed approval's state into DISMISSED; approving again later counts again.
    expect(approved([review('alice', 'fp1', 'DISMISSED')])).toBe(false);
    expect(
      approved([review('alice', 'fp1', 'DISMISSED'), review('alice', 'fp1', 'APPROVED', '2026-11-25T03:00:00Z')]),
    ).toBe(true);
    expect(approved([review('bob', 'fp1', 'DISMISSED'), review('alice', 'fp1', 'CHANGES_REQUESTED')])).toBe(false);
  });

  it('compares logins as GitHub does, without case', () => {
    expect(evaluateApprovals({ ...base, author: 'Carol', reviews: [review('carol')] })[0]!.missing).toContain(
      'not counted: @carol wrote the change',
    );
    expect(
      evaluateApprovals({
        ...base,
        permissions: { ...base.permissions, Alice: 'write' },
        reviews: [review('Alice')],
      })[0]!.approved,
    ).toBe(true);
  });

  it('counts members of an owning team, and only them', () => {
    const team = {
      ...base,
      tasks: [{ ...base.tasks[0]!, owners: [{ of: 'service checkout', members: ['acme/payments'] }] }],
    };
    expect(
      evaluateApprovals({ ...team, reviews: [review('alice')], teams: { 'acme/payments': ['alice'] } })[0]!.approved,
    ).toBe(true);
    expect(
      evaluateApprovals({ ...team, reviews: [review('alice')], teams: { 'acme/payments': [] } })[0]!.missing,
    ).toEqual(['an approval from an owner of service checkout: @acme/payments']);
    expect(evaluateApprovals({ ...team, reviews: [review('alice')] })[0]!.approved).toBe(false);
  });

  it('needs an admin or maintainer where a group lists no owners, and one owner of every group', () => {
    const nobody = {
      ...base,
      tasks: [{ name: 'drain', fingerprint: 'fp1', required: 1, owners: [{ of: 'service new', members: [] }] }],
    };
    expect(evaluateApprovals({ ...nobody, reviews: [review('alice')] })[0]!.missing).toEqual([
      'an approval from an admin or maintainer of the repository (service new has no owners in the approved state yet)',
    ]);
    expect(evaluateApprovals({ ...nobody, reviews: [review('bob')] })[0]!.approved).toBe(true);
    const two = {
      ...base,
      tasks: [
        {
          name: 'drain',
          fingerprint: 'fp1',
          required: 1,
          owners: [
            { of: 'service a', members: ['alice'] },
            { of: 'service b', members: ['dave'] },
          ],
        },
      ],
    };
    expect(evaluateApprovals({ ...two, reviews: [review('alice')] })[0]!.missing).toEqual([
      'an approval from an owner of service b: @dave',
    ]);
    expect(
      evaluateApprovals({
        ...two,
        permissions: { ...two.permissions, dave: 'write' },
        reviews: [review('alice'), review('dave')],
      })[0]!.approved,
    ).toBe(true);
  });

  it('does not count anyone who pushed to the change, nor those an item excludes', () => {
    expect(
      evaluateApprovals({ ...base, pushers: ['carol', 'alice'], reviews: [review('alice')] })[0]!.missing,
    ).toContain('not counted: @alice pushed commits to the change');
    const excluded = {
      ...base,
      tasks: [
        {
          ...base.tasks[0]!,
          excluded: [{ login: 'Alice', because: 'brought this change in with #3, merged without approval' }],
        },
      ],
    };
    expect(evaluateApprovals({ ...excluded, reviews: [review('alice')] })[0]!.missing).toContain(
      'not counted: @alice brought this change in with #3, merged without approval',
    );
    expect(evaluateApprovals({ ...excluded, reviews: [review('bob')] })[0]!.approved).toBe(true);
  });

  it('needs as many distinct approvers as required', () => {
    const two = { ...base, tasks: [{ ...base.tasks[0]!, required: 2 }] };
    expect(
      evaluateApprovals({
        ...two,
        reviews: [review('alice'), review('alice', 'fp1', 'APPROVED', '2026-11-25T03:00:00Z')],
      })[0]!.missing,
    ).toEqual(['1 more approval(s) (1 of 2)']);
    expect(evaluateApprovals({ ...two, reviews: [review('alice'), review('bob')] })[0]!.approved).toBe(true);
  });

  it('lets a later "changes requested" withdraw an approval, but not a comment', () => {
    expect(
      evaluateApprovals({
        ...base,
        reviews: [review('alice'), review('alice', 'fp1', 'COMMENTED', '2026-11-25T02:00:00Z')],
      })[0]!.approved,
    ).toBe(true);
    expect(
      evaluateApprovals({
        ...base,
        reviews: [review('alice'), review('alice', 'fp1', 'CHANGES_REQUESTED', '2026-11-25T02:00:00Z')],
      })[0]!.approved,
    ).toBe(false);
  });

  it("holds a task while someone who could approve it requests changes, even after another owner's approval", () => {
    const [held] = evaluateApprovals({
      ...base,
      reviews: [review('alice'), review('bob', 'fp1', 'CHANGES_REQUESTED', '2026-11-25T02:00:00Z')],
    });
    expect(held).toEqual({
      task: 'drain',
      approved: false,
      approvers: ['alice'],
      missing: ['@bob requested changes: approved by them, or their review dismissed'],
    });
    const dismissed = evaluateApprovals({
      ...base,
      reviews: [
        review('alice'),
        review('bob', 'fp1', 'CHANGES_REQUESTED', '2026-11-25T02:00:00Z'),
        review('bob', 'fp1', 'DISMISSED', '2026-11-25T03:00:00Z'),
      ],
    });
    expect(dismissed[0]!.approved).toBe(true);
    // Nobody's veto who could not approve: a reader, or the author on their own change.
    const unheard = evaluateApprovals({
      ...base,
      reviews: [
        review('alice'),
        review('mallory', 'fp1', 'CHANGES_REQUESTED'),
        review('carol', 'fp1', 'CHANGES_REQUESTED'),
      ],
    });
    expect(unheard[0]!.approved).toBe(true);
  });
});

describe('change windows', () => {
  const config = {
    apiVersion: 'zeroops.dev/v1' as const,
    kind: 'Config' as const,
    spec: {
      windows: [
        {
          name: 'office',
          env: 'production',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'] as 'mon'[],
          from: '09:00',
          to: '18:00',
          timezone: 'Asia/Shanghai',
        },
      ],
      freezes: [{ name: 'year-end', from: '2026-12-24T00:00:00Z', to: '2027-01-02T00:00:00Z' }],
    },
  };

  it('reads the window in its own time zone', () => {
    expect(changeWindow(config, 'production', new Date('2026-11-25T02:00:00Z')).open).toBe(true); // Wed 10:00 in Shanghai
    expect(changeWindow(config, 'production', new Date('2026-11-25T11:00:00Z'))).toMatchObject({
      open: false,
      reason: expect.stringContaining('outside the change windows'),
    }); // 19:00
    expect(changeWindow(config, 'production', new Date('2026-11-28T02:00:00Z')).open).toBe(false); // Saturday
    expect(changeWindow(config, 'staging', new Date('2026-11-28T02:00:00Z')).open).toBe(true);
  });

  it('opens a window at its start and closes it at its end', () => {
    expect(changeWindow(config, 'production', new Date('2026-11-25T00:59:00Z')).open).toBe(false); // Wed 08:59 in Shanghai
    expect(changeWindow(config, 'production', new Date('2026-11-25T01:00:00Z')).open).toBe(true); // 09:00
    expect(changeWindow(config, 'production', new Date('2026-11-25T09:59:00Z')).open).toBe(true); // 17:59
    expect(changeWindow(config, 'production', new Date('2026-11-25T10:00:00Z')).open).toBe(false); // 18:00
  });

  it('closes everything during a freeze, from its start to its end, in its environment only', () => {
    expect(changeWindow(config, 'staging', new Date('2026-12-25T12:00:00Z'))).toEqual({
      open: false,
      reason: 'change freeze "year-end" until 2027-01-02T00:00:00Z',
    });
    expect(changeWindow(config, 'staging', new Date('2026-12-23T23:59:59Z')).open).toBe(true);
    expect(changeWindow(config, 'staging', new Date('2027-01-02T00:00:00Z')).open).toBe(true);
    const scoped = { ...config, spec: { freezes: [{ ...config.spec.freezes[0]!, env: 'production' }] } };
    expect(changeWindow(scoped, 'staging', new Date('2026-12-25T12:00:00Z')).open).toBe(true);
    expect(changeWindow(scoped, 'production', new Date('2026-12-25T12:00:00Z')).open).toBe(false);
  });

  it('keeps a window that crosses midnight open until its end the next morning', () => {
    const night = {
      ...config,
      spec: { windows: [{ name: 'night', days: ['mon'] as 'mon'[], from: '22:00', to: '06:00', timezone: 'UTC' }] },
    };
    expect(changeWindow(night, 'production', new Date('2026-11-30T21:59:00Z')).open).toBe(false); // Mon 21:59
    expect(changeWindow(night, 'production', new Date('2026-11-30T22:00:00Z')).open).toBe(true); // Mon 22:00
    expect(changeWindow(night, 'production', new Date('2026-12-01T05:59:00Z')).open).toBe(true); // Tue 05:59, the Monday night
    expect(changeWindow(night, 'production', new Date('2026-12-01T06:00:00Z')).open).toBe(false); // Tue 06:00
    expect(changeWindow(night, 'production', new Date('2026-12-01T22:30:00Z')).open).toBe(false); // Tue 22:30: not listed
    expect(changeWindow(night, 'production', new Date('2026-11-30T03:00:00Z')).open).toBe(false); // Mon 03:00 belongs to Sunday night
  });

  it("finds the next opening: the window's start, or a freeze's end", () => {
    expect(nextOpening(config, 'production', new Date('2026-11-25T11:00:00Z'))?.toISOString()).toBe(
      '2026-11-26T01:00:00.000Z',
    ); // Thu 09:00 Shanghai
    expect(nextOpening(config, 'production', new Date('2026-11-27T11:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T01:00:00.000Z',
    ); // over the weekend
    expect(nextOpening(config, 'production', new Date('2026-11-25T02:00:00Z'))?.toISOString()).toBe(
      '2026-11-25T02:00:00.000Z',
    ); // open now
    expect(nextOpening(config, 'staging', new Date('2026-12-25T12:00:00Z'))?.toISOString()).toBe(
      '2027-01-02T00:00:00.000Z',
    );
    expect(nextOpening(config, 'production', new Date('2026-12-25T12:00:00Z'))?.toISOString()).toBe(
      '2027-01-04T01:00:00.000Z',
    ); // Monday after the freeze
    expect(nextOpening(config, 'production', new Date('2026-12-25T12:00:00Z'), 3)).toBeUndefined();
  });
});

describe('autonomy', () => {
  it("takes the kind's level, else the default, else suggest", async () => {
    const { autonomyFor } = await import('../../../src/policy/autonomy.js');
    const config = {
      apiVersion: 'zeroops.dev/v1' as const,
      kind: 'Config' as const,
      spec: { autonomy: { default: 'confirm' as const, kinds: { Restart: 'auto' as const } } },
    };
    expect([
      autonomyFor(config, 'Restart'),
      autonomyFor(config, 'TrafficShift'),
      autonomyFor(undefined, 'Restart'),
    ]).toEqual(['auto', 'confirm', 'suggest']);
  });

  it('lets the first rule that matches an incident decide, before the kind', async () => {
    const { autonomyFor } = await import('../../../src/policy/autonomy.js');
    const config = {
      apiVersion: 'zeroops.dev/v1' as const,
      kind: 'Config' as const,
      spec: {
        autonomy: {
          default: 'confirm' as const,
          kinds: { Restart: 'suggest' as const },
          rules: [
            {
              service: 'checkout',
              class: 'goroutine-leak' as const,
              remediation: 'rolling-restart' as const,
              level: 'auto' as const,
            },
            { severity: ['sev1' as const], level: 'observe' as const },
          ],
        },
      },
    };
    const leak = { kind: 'Restart', service: 'checkout', class: 'goroutine-leak', remediation: 'rolling-restart' };
    expect([
      autonomyFor(config, { ...leak, severity: 'sev3' }),
      autonomyFor(config, { ...leak, service: 'search', severity: 'sev3' }),
      autonomyFor(config, { ...leak, service: 'search', severity: 'sev1' }),
      autonomyFor(config, { kind: 'TrafficShift', severity: 'sev2' }),
    ]).toEqual(['auto', 'suggest', 'observe', 'confirm']);
  });
});
