/** An incident as the API shows it: its issue, runs, what the patrol found, and its timeline. */
import { incidentView, viewIncident } from '../../../src/app/incident-view.js';
import { nextEvent } from '../../../src/knowledge/event-chain.js';
import { anIncident } from '../../support/incidents.js';

const opened = nextEvent(
  undefined,
  'incident/acme/ops#12',
  { type: 'incident-opened', actor: 'zeroops', data: { what: 'goroutines grow by 40/s' } },
  '2026-11-25T00:00:00.000Z',
);

describe('the API view of an incident', () => {
  it("summarises the patrol's finding: cause, evidence, remediations; not its charts or raw diagnosis", () => {
    const view = incidentView(anIncident(), [opened]);
    expect(view).toEqual({
      id: 'acme/ops#12',
      repo: 'acme/ops',
      issueNumber: 12,
      state: 'open',
      runIds: ['run-remedy'],
      createdAt: '2026-11-25T00:00:00.000Z',
      patrol: {
        service: 'checkout',
        env: 'production',
        inspection: 'goroutine-leak',
        severity: 'sev3',
        escalated: false,
        summary: 'checkout leaks goroutines since v1.3',
        cause: {
          class: 'goroutine-leak',
          title: 'Goroutine leak in checkout: +40 goroutines/s',
          confidence: 0.87,
          evidence: ['goroutines grow by 40/s on every instance'],
        },
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
      },
      timeline: [
        {
          seq: 1,
          at: '2026-11-25T00:00:00.000Z',
          type: 'incident-opened',
          actor: 'zeroops',
          data: { what: 'goroutines grow by 40/s' },
        },
      ],
    });
  });

  it('has no patrol finding for an incident a failed run filed', () => {
    expect(incidentView(anIncident({ patrol: undefined }), [])).not.toHaveProperty('patrol');
  });

  it('reads the incident and its chain `incident/<id>` from the store; nothing for an unknown id', async () => {
    const store = {
      incident: async (id: string) => (id === 'acme/ops#12' ? anIncident() : undefined),
      events: async (chain: string) => (chain === 'incident/acme/ops#12' ? [opened] : []),
    };
    expect((await viewIncident(store, 'acme/ops#12'))?.timeline).toHaveLength(1);
    expect(await viewIncident(store, 'acme/ops#13')).toBeUndefined();
  });
});
