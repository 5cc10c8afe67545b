/** A gate evaluates its metric's query over the gate's window, and claims a window only when the query takes one. */
import type { Service } from '../../../src/manifest/model.js';
import { gatesFrom } from '../../../src/plan/gates.js';

const service = (query: string): Service => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Service',
  metadata: { name: 'checkout' },
  spec: {
    owners: ['alice'],
    environments: ['production'],
    datacenters: [{ name: 'dc-a' }],
    metrics: { error_rate: { query, unit: 'ratio' } },
  },
});

describe('gatesFrom', () => {
  it("puts the gate's window where the query takes it, everywhere it does", () => {
    const [gate] = gatesFrom(
      [{ metric: 'error_rate', max: '2%', window: '5m' }],
      service('sum(rate(errors[$window])) / sum(rate(requests[$window]))'),
    );
    expect(gate).toMatchObject({
      query: 'sum(rate(errors[5m])) / sum(rate(requests[5m]))',
      windowSeconds: 300,
      max: 0.02,
      display: 'error_rate ≤ 2% over 5m',
    });
  });

  it('uses a one-minute window when the gate sets none', () => {
    const [gate] = gatesFrom([{ metric: 'error_rate', max: '2%' }], service('rate(errors[$window])'));
    expect(gate).toMatchObject({ query: 'rate(errors[1m])', windowSeconds: 60, display: 'error_rate ≤ 2% over 1m' });
  });

  it('leaves a query with its own range alone and claims no window for it', () => {
    const [gate] = gatesFrom([{ metric: 'error_rate', max: '2%' }], service('rate(errors[3s])'));
    expect(gate!.query).toBe('rate(errors[3s])');
    expect(gate!.windowSeconds).toBeUndefined();
    expect(gate!.display).toBe('error_rate ≤ 2%');
  });
});
