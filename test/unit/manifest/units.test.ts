import { formatDuration, parseDuration, parsePercent, parseSize, parseThreshold } from '../../../src/manifest/units.js';

describe('units', () => {
  it.each([
    ['30s', 30],
    ['10m', 600],
    ['1h30m', 5400],
    ['2d', 172800],
    ['250ms', 0.25],
    ['1.5h', 5400],
  ])('duration %s is %d s', (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds);
  });

  it.each(['10 minutes', '10', 'm10', '', '1h 30m', '-5s'])('rejects duration %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats durations compactly', () => {
    expect([0.2, 30, 600, 5400, 90061].map(formatDuration)).toEqual(['200ms', '30s', '10m', '1h30m', '1d1h1m1s']);
  });

  it('reads percentages written either way', () => {
    expect([
      parsePercent('20%'),
      parsePercent(20),
      parsePercent('12.5 %'),
      parsePercent('twenty'),
      parsePercent('20'),
    ]).toEqual([20, 20, 12.5, undefined, undefined]);
  });

  it('reads sizes in SI and binary units', () => {
    expect([parseSize('512Mi'), parseSize('2GB'), parseSize('1KiB'), parseSize('12 parsecs')]).toEqual([
      512 * 1024 ** 2,
      2e9,
      1024,
      undefined,
    ]);
  });

  it('turns thresholds into the metric unit, and says what fits when they do not', () => {
    expect(parseThreshold('2%', 'ratio')).toEqual({ value: 0.02 });
    expect(parseThreshold('300ms', 'seconds')).toEqual({ value: 0.3 });
    expect(parseThreshold('1Gi', 'bytes')).toEqual({ value: 1024 ** 3 });
    expect(parseThreshold(500, 'count')).toEqual({ value: 500 });
    expect(parseThreshold('2%', 'seconds')).toEqual({ problem: expect.stringContaining('ratio metric') });
    expect(parseThreshold('fast', 'seconds')).toEqual({ problem: expect.stringContaining('300ms') });
  });
});
