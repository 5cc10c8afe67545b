import type { Config } from '../../../src/manifest/model.js';
import { requiredApprovals } from '../../../src/policy/required-approvals.js';

const config = (policy: NonNullable<Config['spec']['policy']>): Config => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Config',
  spec: { policy },
});
const subject = { kind: 'Rollout', environments: ['production'], risk: 'medium' as const, owners: ['alice'] };

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

  it('holds a task to the strictest rule of the environments sharing its targets, whatever its label', () => {
    const policy = config({
      defaultApprovals: 1,
      requireOwner: true,
      rules: [
        { env: 'production', risk: ['high'], required: 2, owner: true },
        { env: 'staging', required: 0, owner: false },
      ],
    });
    // Labelled staging, on a service whose one set of databases and datacenters production uses too.
    const labelledStaging = { ...subject, risk: 'high' as const, environments: ['staging', 'production'] };
    expect(requiredApprovals(labelledStaging, policy)).toEqual({
      required: 2,
      ownerRequired: true,
      owners: ['alice'],
      source:
        'policy rule for env production, risk high (the strictest of staging, production, which share the ' +
        "service's targets)",
    });
    // A service of staging's own keeps staging's rule.
    expect(requiredApprovals({ ...labelledStaging, environments: ['staging'] }, policy)).toMatchObject({
      required: 0,
      ownerRequired: false,
      source: 'policy rule for env staging',
    });
    // An owner is asked for when any of them asks for one, even where the counts tie.
    const tie = config({
      defaultApprovals: 1,
      requireOwner: false,
      rules: [{ env: 'production', required: 1, owner: true }],
    });
    const tied = requiredApprovals({ ...subject, environments: ['staging', 'production'] }, tie);
    expect(tied).toMatchObject({
      ownerRequired: true,
      source:
        "policy default (the strictest of staging, production, which share the service's targets; production asks " +
        'for an owner)',
    });
  });
});
