/**
 * The three-version story's live lanes, for routing tests: v1.1 (A and B, beta users) and v1.2
 * (C, iOS ≥ 17 in cn-east, without A or B).
 */
import type { RoutedLane } from '../../src/lanes/membership.js';

const everyone = { from: 0, to: 9999 };

/** Both grow to 100%; each is at the percentage given (v1.2 is left out without one). */
export const storyLanes = (v11: number, v12?: number): RoutedLane[] => [
  { lane: 'v1-1', features: ['A', 'B'], segment: { userTags: ['beta'] }, range: everyone, percent: v11, widest: 100 },
  ...(v12 === undefined
    ? []
    : [
        {
          lane: 'v1-2',
          features: ['C'],
          segment: { regions: ['cn-east'], os: { ios: '>=17' }, exclude: { features: ['A', 'B'] } },
          range: everyone,
          percent: v12,
          widest: 100,
        },
      ]),
];
