import {
  exposureHolders,
  exposedTo,
  exposureLedger,
  foldLanes,
  freeSlot,
  routingLanes,
  type LaneDeployment,
  type LaneEvent,
} from '../../../src/lanes/lane-state.js';

const everyone = { from: 0, to: 9999 };
const deployed = (lane: string, overrides: Partial<LaneDeployment> = {}): LaneEvent => ({
  type: 'lane-deployed',
  at: '2026-04-30T00:00:00.000Z',
  data: {
    lane,
    version: `${lane}.0`,
    features: [],
    segment: {},
    range: everyone,
    widest: 20,
    slot: 1,
    instances: [{ name: `${lane}-1`, address: '127.0.0.1:1' }],
    run: `run-${lane}`,
    ...overrides,
  },
});
const at = (minute: number) => `2026-05-0${minute}T00:00:00.000Z`;
const routed = (lane: string, percent: number, day: number): LaneEvent => ({
  type: 'lane-routed',
  at: at(day),
  data: { lane, percent },
});

const story: LaneEvent[] = [
  deployed('v1-0', { features: ['A'], slot: 1 }),
  routed('v1-0', 5, 1),
  deployed('v1-1', { features: ['A', 'B'], replaces: 'v1-0', slot: 2 }),
  { type: 'lane-taken-over', at: at(3), data: { lane: 'v1-0', by: 'v1-1' } },
  deployed('v1-2', { features: ['C'], slot: 3, segment: { exclude: { features: ['A', 'B'] } } }),
  routed('v1-2', 5, 7),
];

describe('the lane chain, folded', () => {
  it('gives each lane its latest state: a taken-over lane keeps its slot but routes no one', () => {
    const lanes = foldLanes(story);
    expect(lanes.map((l) => [l.lane, l.status, l.percent, l.heldBy ?? '–'])).toEqual([
      ['v1-0', 'taken-over', 5, 'v1-1'],
      ['v1-1', 'live', 5, '–'],
      ['v1-2', 'live', 5, '–'],
    ]);
    expect(routingLanes(lanes).map((l) => l.lane)).toEqual(['v1-1', 'v1-2']);
    expect(freeSlot(lanes, 4)).toBe(4);
    expect(freeSlot(lanes, 3)).toBeUndefined();
  });

  it('hands users back to the replaced lane at its old share, and frees a retired lane’s slot', () => {
    const lanes = foldLanes([
      ...story,
      { type: 'lane-handed-back', at: at(8), data: { lane: 'v1-0', from: 'v1-1' } },
      { type: 'lane-retired', at: at(8), data: { lane: 'v1-1', reason: 'rolled back' } },
    ]);
    expect(lanes.map((l) => [l.lane, l.status, l.percent])).toEqual([
      ['v1-0', 'live', 5],
      ['v1-1', 'retired', 0],
      ['v1-2', 'live', 5],
    ]);
    expect(freeSlot(lanes, 4)).toBe(2);
  });

  it('starts a lane deployed again after its retirement anew, last in the order', () => {
    const lanes = foldLanes([
      ...story,
      { type: 'lane-retired', at: at(8), data: { lane: 'v1-1', reason: 'rolled back' } },
      deployed('v1-1', { features: ['A', 'B'], slot: 2 }),
    ]);
    expect(lanes.map((l) => [l.lane, l.status, l.percent])).toEqual([
      ['v1-0', 'taken-over', 5],
      ['v1-2', 'live', 5],
      ['v1-1', 'live', 0],
    ]);
  });
});

describe('the exposure ledger', () => {
  it('names who has been served A or B, since when and until when, through a take-over', () => {
    const ledger = exposureLedger(story);
    expect(exposedTo(ledger, ['A', 'B']).map((e) => [e.lane, e.buckets, e.since, e.until])).toEqual([
      ['v1-0', { from: 0, to: 499 }, at(1), at(3)],
      ['v1-1', { from: 0, to: 499 }, at(3), undefined],
    ]);
    expect(exposedTo(ledger, ['C']).map((e) => e.lane)).toEqual(['v1-2']);
  });

  it('opens a new entry when a lane grows, and closes every entry of a lane that is retired', () => {
    const ledger = exposureLedger([
      deployed('x'),
      routed('x', 5, 1),
      routed('x', 20, 2),
      { type: 'lane-retired', at: at(3), data: { lane: 'x', reason: 'rolled back' } },
    ]);
    expect(ledger.map((e) => [e.buckets.to, e.since, e.until])).toEqual([
      [499, at(1), at(2)],
      [1999, at(2), at(3)],
    ]);
  });
});

describe('the users retired lanes served, kept out by exclusions', () => {
  const retiredStory: LaneEvent[] = [
    ...story,
    { type: 'lane-retired', at: at(8), data: { lane: 'v1-1', reason: 'rolled back' } },
    { type: 'lane-retired', at: at(8), data: { lane: 'v1-0', reason: 'replaced by v1-1' } },
  ];

  it('are held, at 0%, by an entry per retired lane whose features a live lane excludes, newest first', () => {
    const holders = exposureHolders(foldLanes(retiredStory), 4);
    expect(holders.map((h) => [h.lane, h.features, h.percent, h.widest])).toEqual([
      ['seen-v1-1', ['A', 'B'], 0, 5],
      ['seen-v1-0', ['A'], 0, 5],
    ]);
    expect(exposureHolders(foldLanes(retiredStory), 1).map((h) => h.lane)).toEqual(['seen-v1-1']);
  });

  it('are not held when no live lane excludes their features', () => {
    const withoutExclusion = retiredStory.map((e) =>
      e.type === 'lane-deployed' && e.data.lane === 'v1-2' ? { ...e, data: { ...e.data, segment: {} } } : e,
    );
    expect(exposureHolders(foldLanes(withoutExclusion), 4)).toEqual([]);
  });
});
