/** Which lane serves a user, and the route table that tells HAProxy the same. */
import { bucketOf, saltOf } from '../../../src/lanes/buckets.js';
import { inSegment, laneForUser, type RoutedLane } from '../../../src/lanes/membership.js';
import { comparators, routeTable } from '../../../src/lanes/route-table.js';

const salt = saltOf('checkout');
const everyone = { from: 0, to: 9999 };
const user = (id: string, more: Partial<{ tags: string[]; region: string; os: string; appVersion: string }> = {}) => ({
  id,
  tags: [],
  ...more,
});

describe('segments', () => {
  it('selects by any of the tags, one of the regions, the OS and its version range, the app version', () => {
    const segment = {
      userTags: ['beta', 'internal'],
      regions: ['cn-east'],
      os: { ios: '>=17', web: '*' },
      appVersion: '^3.2',
    };
    const fits = { tags: ['internal'], region: 'cn-east', os: 'ios/17.4', appVersion: '3.4.1' };
    expect(inSegment(segment, user('u', fits))).toBe(true);
    expect(inSegment(segment, user('u', { ...fits, os: 'web' }))).toBe(true);
    expect(inSegment(segment, user('u', { ...fits, tags: ['staff'] }))).toBe(false);
    expect(inSegment(segment, user('u', { ...fits, region: 'us-west' }))).toBe(false);
    expect(inSegment(segment, user('u', { ...fits, os: 'ios/16.7' }))).toBe(false);
    expect(inSegment(segment, user('u', { ...fits, os: 'android/14' }))).toBe(false);
    expect(inSegment(segment, user('u', { ...fits, appVersion: '4.0.0' }))).toBe(false);
    expect(inSegment(segment, user('u', { ...fits, appVersion: undefined }))).toBe(false);
    expect(inSegment({}, user('u'))).toBe(true);
    // Any app version admits a user who sends none, as the router does; a version is read from its leading digits.
    expect(inSegment({ appVersion: '*' }, user('u'))).toBe(true);
    expect(inSegment({ appVersion: '>=3' }, user('u', { appVersion: 'build-3.2' }))).toBe(false);
    expect(inSegment({ appVersion: '>=3' }, user('u', { appVersion: 'v3.2-beta' }))).toBe(true);
  });
});

describe('lanes', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `u${i}`);
  const lanes: RoutedLane[] = [
    { lane: 'a', features: ['A'], segment: {}, range: everyone, percent: 10 },
    { lane: 'c', features: ['C'], segment: { exclude: { features: ['A'] } }, range: everyone, percent: 30 },
  ];

  it('serves each user the first lane that holds their bucket, and keeps the excluded out', () => {
    for (const id of ids) {
      const bucket = bucketOf(id, salt);
      const lane = laneForUser(user(id), lanes, salt)?.lane;
      expect([id, lane]).toEqual([id, bucket < 1000 ? 'a' : bucket < 3000 ? 'c' : undefined]);
    }
  });

  it('holds nobody at 0%, and a range’s share from its start', () => {
    const late: RoutedLane = { lane: 'late', features: [], segment: {}, range: { from: 5000, to: 9999 }, percent: 10 };
    const served = ids.filter((id) => laneForUser(user(id), [late], salt));
    for (const id of served) expect(bucketOf(id, salt)).toBeGreaterThanOrEqual(5000);
    for (const id of served) expect(bucketOf(id, salt)).toBeLessThan(5500);
    expect(ids.filter((id) => laneForUser(user(id), [{ ...late, percent: 0 }], salt))).toEqual([]);
  });
});

describe('the route table', () => {
  it('writes each lane as one line without spaces, in order, leaving out what does not restrict', () => {
    const table = routeTable(
      [
        {
          lane: 'v1-1',
          features: ['A', 'B'],
          segment: { userTags: ['beta'] },
          range: everyone,
          percent: 5,
          widest: 100,
        },
        {
          lane: 'v1-2',
          features: ['C'],
          segment: {
            regions: ['cn-east'],
            os: { ios: '>=17', web: '*' },
            appVersion: '>=3.2 <4 || =2.9',
            exclude: { features: ['A'], userTags: ['internal'], regions: ['us-west'] },
          },
          range: { from: 5000, to: 9999 },
          percent: 50,
        },
        { lane: 'idle', features: [], segment: {}, range: everyone, percent: 0 },
      ],
      (lane) => `checkout_${lane.lane}`,
    );
    expect(table).toEqual([
      { key: 'lane1', value: 'b=checkout_v1-1/r=0-499/w=0-9999/t=beta' },
      {
        key: 'lane2',
        value:
          'b=checkout_v1-2/r=5000-7499/w=5000-7499/g=cn-east/o=ios:>=17.0.0+web:*' +
          '/a=>=3.2.0&<4.0.0|>=2.9.0&<2.10.0/xt=internal/xg=us-west/x=lane1',
      },
    ]);
  });

  it('keeps a lane at 0% that will grow, without buckets now, for the exclusions that name it', () => {
    const table = routeTable(
      [
        { lane: 'a', features: ['A'], segment: {}, range: everyone, percent: 0, widest: 50 },
        { lane: 'b', features: [], segment: { exclude: { lanes: ['a'] } }, range: everyone, percent: 100 },
      ],
      (lane) => lane.lane,
    );
    expect(table).toEqual([
      { key: 'lane1', value: 'b=a/w=0-4999' },
      { key: 'lane2', value: 'b=b/r=0-9999/w=0-9999/x=lane1' },
    ]);
  });

  it('reads version ranges as comparator sets', () => {
    expect(comparators('^17')).toBe('>=17.0.0&<18.0.0');
    expect(comparators('~17.4')).toBe('>=17.4.0&<17.5.0');
    expect(comparators('>=17 || <15')).toBe('>=17.0.0|<15.0.0');
    expect(comparators('*')).toBe('*');
  });
});
