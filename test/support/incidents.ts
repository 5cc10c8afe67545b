/** An incident the patrol filed, as the store keeps it: a goroutine leak in checkout, restarted once. */
import type { Cause } from '../../src/diagnose/cause.js';
import type { Incident } from '../../src/engine/store.js';
import type { PatrolIncident } from '../../src/knowledge/patrol-incident.js';

const leak: Cause = {
  class: 'goroutine-leak',
  symptom: 'goroutines',
  title: 'Goroutine leak in checkout',
  headline: 'Goroutine leak in checkout: +40 goroutines/s',
  confidence: 0.87,
  where: { version: 'v1.3' },
  evidence: [{ text: 'goroutines grow by 40/s on every instance', source: 'go_goroutines{service="checkout"}' }],
  ruledOut: ['load: QPS is flat'],
  remediations: [{ id: 'rolling-restart', title: 'Rolling restart', why: 'frees the leaked goroutines' }],
};

export function aPatrolIncident(overrides: Partial<PatrolIncident> = {}): PatrolIncident {
  return {
    service: 'checkout',
    env: 'production',
    inspection: 'goroutine-leak',
    severity: 'sev3',
    escalated: false,
    cause: leak,
    diagnosis: {
      service: 'checkout',
      env: 'production',
      at: 0,
      severity: 'sev3',
      severityWhy: 'slow',
      causes: [leak],
      normal: [],
    },
    baseline: 100,
    detected: 2500,
    chart: { title: 'goroutines', unit: '', points: [[0, 100]], marks: [] },
    growing: [],
    owners: ['alice'],
    prose: { summary: 'checkout leaks goroutines since v1.3', explanation: 'a long text', by: 'templates' },
    remediations: [
      {
        option: 'rolling-restart',
        runId: 'run-remedy',
        by: 'alice',
        at: '2026-11-25T00:10:00.000Z',
        status: 'succeeded',
        verdict: { fixed: true, text: 'goroutines back to 100', at: '2026-11-25T00:15:00.000Z' },
      },
    ],
    detectedAt: '2026-11-25T00:00:00.000Z',
    ...overrides,
  };
}

export function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'acme/ops#12',
    fingerprint: 'patrol|acme/ops|checkout|production|goroutine-leak|',
    repo: 'acme/ops',
    issueNumber: 12,
    state: 'open',
    runIds: ['run-remedy'],
    createdAt: '2026-11-25T00:00:00.000Z',
    patrol: aPatrolIncident(),
    ...overrides,
  };
}
