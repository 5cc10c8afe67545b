/**
 * A Rollout of checkout as the lab runs them: in compressed time (the lab's Prometheus scrapes every
 * second), judged on 3 s samples, four or more a side, holding each step `interval`.
 */
export const labLaneRollout = (name: string, spec: string, interval: string) => `apiVersion: zeroops.dev/v1
kind: Rollout
metadata: { name: ${name}, service: checkout }
spec:
${spec}
  interval: ${interval}
  compare: { sample: 3s, minSamples: 4 }
`;
