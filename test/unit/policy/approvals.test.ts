import { evaluateApprovals, type ApprovalInput } from '../../../src/policy/approvals.js';
import { changeWindow } from '../../../src/policy/windows.js';

const base: ApprovalInput = {
  tasks: [{ name: 'drain', fingerprint: 'fp1', required: 1, ownerRequired: true, owners: ['alice', 'bob'] }],
  reviews: [], permissions: { alice: 'write', bob: 'admin', carol: 'write', mallory: 'read' }, author: 'carol', lastPusher: 'carol',
};
const review = (user: string, fingerprint = 'fp1', state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' = 'APPROVED', at = '2026-11-25T01:00:00Z') => ({ user, state, fingerprints: { drain: fingerprint }, submittedAt: at });

describe('approvals', () => {
  it('counts an owner with write access who neither wrote nor pushed the change', () => {
    expect(evaluateApprovals({ ...base, reviews: [review('alice')] })).toEqual([{ task: 'drain', approved: true, approvers: ['alice'], missing: [] }]);
  });

  it('does not count the author, the last pusher, readers, or an earlier plan, and says so', () => {
    const [result] = evaluateApprovals({ ...base, lastPusher: 'bob', reviews: [review('carol'), review('bob'), review('mallory'), review('alice', 'fp0')] });
    expect(result!.approved).toBe(false);
    expect(result!.missing).toEqual([
      '1 more approval(s) (0 of 1)', 'an approval from an owner: @alice, @bob',
      'not counted: @carol wrote the change; @bob pushed the last commit; @mallory has no write access; @alice approved an earlier plan of drain',
    ]);
  });

  it('lets a later "changes requested" withdraw an approval, but not a comment', () => {
    expect(evaluateApprovals({ ...base, reviews: [review('alice'), review('alice', 'fp1', 'COMMENTED', '2026-11-25T02:00:00Z')] })[0]!.approved).toBe(true);
    expect(evaluateApprovals({ ...base, reviews: [review('alice'), review('alice', 'fp1', 'CHANGES_REQUESTED', '2026-11-25T02:00:00Z')] })[0]!.approved).toBe(false);
  });
});

describe('change windows', () => {
  const config = { apiVersion: 'zeroops.dev/v1' as const, kind: 'Config' as const, spec: {
    windows: [{ name: 'office', env: 'production', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon')[], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' }],
    freezes: [{ name: 'year-end', from: '2026-12-24T00:00:00Z', to: '2027-01-02T00:00:00Z' }],
  } };

  it('reads the window in its own time zone', () => {
    expect(changeWindow(config, 'production', new Date('2026-11-25T02:00:00Z')).open).toBe(true); // Wed 10:00 in Shanghai
    expect(changeWindow(config, 'production', new Date('2026-11-25T11:00:00Z'))).toMatchObject({ open: false, reason: expect.stringContaining('outside the change windows') }); // 19:00
    expect(changeWindow(config, 'production', new Date('2026-11-28T02:00:00Z')).open).toBe(false); // Saturday
    expect(changeWindow(config, 'staging', new Date('2026-11-28T02:00:00Z')).open).toBe(true);
  });

  it('closes everything during a freeze', () => {
    expect(changeWindow(config, 'staging', new Date('2026-12-25T12:00:00Z'))).toEqual({ open: false, reason: 'change freeze "year-end" until 2027-01-02T00:00:00Z' });
  });
});

describe('autonomy', () => {
  it('takes the kind\'s level, else the default, else suggest', async () => {
    const { autonomyFor } = await import('../../../src/policy/autonomy.js');
    const config = { apiVersion: 'zeroops.dev/v1' as const, kind: 'Config' as const, spec: { autonomy: { default: 'confirm' as const, kinds: { Restart: 'auto' as const } } } };
    expect([autonomyFor(config, 'Restart'), autonomyFor(config, 'TrafficShift'), autonomyFor(undefined, 'Restart')]).toEqual(['auto', 'confirm', 'suggest']);
  });
});
