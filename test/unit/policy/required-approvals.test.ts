import type { Config } from '../../../src/manifest/model.js';
import { requiredApprovals } from '../../../src/policy/required-approvals.js';

const config = (policy: NonNullable<Config['spec']['policy']>): Config => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Config',
  spec: { policy },
});
const subject = { kind: 'Rollout', env: 'production', risk: 'medium' as const, owners: ['alice'] };

describe('required approvals', () => {
  it('takes the first matching rule, else the default', () => {
    const policy = config({
      defaultApprovals: 1,
      requireOwner: false,
      rules: [{ env: 'production', risk: ['high'], required: 2, owner: true }],
    });
    expect(requiredApprovals({ ...subject, risk: 'high' }, policy)).toMatchObject({ required: 2, ownerRequired: true });
    expect(requiredApprovals(subject, policy)).toMatchObject({
      required: 1,
      ownerRequired: false,
      source: 'policy default',
    });
  });

  it('lets a task raise the bar but never lower it', () => {
    const policy = config({ defaultApprovals: 2 });
    expect(requiredApprovals({ ...subject, requested: { required: 0 } }, policy).required).toBe(2);
    expect(requiredApprovals({ ...subject, requested: { required: 3 } }, policy)).toMatchObject({
      required: 3,
      source: 'policy default, raised by the task',
    });
  });

  it('asks for one owner approval when there is no policy at all', () => {
    expect(requiredApprovals(subject, undefined)).toMatchObject({ required: 1, ownerRequired: true });
  });
});
