/** Which findings are the same incident: a service's leak is one, whatever a look sees of it; a degradation is per place. */
import type { Cause } from '../../../src/diagnose/cause.js';
import { patrolFingerprint } from '../../../src/knowledge/patrol-incident.js';

const finding = (cls: Cause['class'], where: Cause['where']) => ({
  service: 'checkout',
  env: 'production',
  cause: { class: cls, where } as Cause,
});

it('keeps a leak one incident with or without the profile, and whichever instances look leaky', () => {
  const seen = [
    finding('goroutine-leak', { version: 'v1.3.0', function: 'main.(*notifier).watch' }),
    finding('goroutine-leak', { version: 'v1.3.0' }),
    finding('goroutine-leak', { function: 'main.(*notifier).watch' }),
  ].map((f) => patrolFingerprint('acme/ops', f));
  expect(new Set(seen).size).toBe(1);
  expect(patrolFingerprint('acme/ops', finding('memory-leak', {}))).not.toBe(seen[0]);
});

it('tells degradations apart by where they are', () => {
  const dcA = patrolFingerprint('acme/ops', finding('datacenter-problem', { dc: 'dc-a' }));
  const dcB = patrolFingerprint('acme/ops', finding('datacenter-problem', { dc: 'dc-b' }));
  const c2 = patrolFingerprint('acme/ops', finding('bad-instance', { instance: 'checkout-c2', dc: 'dc-c' }));
  expect(new Set([dcA, dcB, c2]).size).toBe(3);
  expect(patrolFingerprint('acme/other', finding('datacenter-problem', { dc: 'dc-a' }))).not.toBe(dcA);
});
