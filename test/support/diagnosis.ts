/** A diagnosis as incident prose gets it: a goroutine leak in checkout v1.3, a rolling restart its only option. */
import type { DiagnosisInput } from '../../src/diagnose/explain/brief.js';

export function aDiagnosis(overrides: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {
    service: 'checkout',
    env: 'prod',
    severity: 'sev3',
    cause: {
      class: 'goroutine-leak',
      title: 'Goroutine leak in checkout v1.3',
      confidence: 0.87,
      evidence: ['goroutines in checkout v1.3 grow by 40/s on every instance', 'v1.2 instances stay flat'],
      ruledOut: ['load: QPS is flat at 1,200/s', 'dependencies: postgres answers without errors'],
    },
    options: [
      {
        id: 'rolling-restart',
        title: 'Rolling restart of checkout v1.3',
        why: 'frees the leaked goroutines for a while',
        allowedAlone: true,
      },
    ],
    change: 'v1.3 rolled out by run r-17 from #17',
    ...overrides,
  };
}
