/** Change windows and freezes on plain data: when a change may run, when it next may, and how it reads. */
import type { Config } from '../../../src/manifest/model.js';
import { changeWindow, describeSchedule, describeWindow, nextOpening } from '../../../src/policy/windows.js';

type Spec = Config['spec'];
type Day = NonNullable<Spec['windows']>[number]['days'][number];
const on = (...days: Day[]) => days;
const configOf = (spec: Pick<Spec, 'windows' | 'freezes'>): Config => ({
  apiVersion: 'zeroops.dev/v1',
  kind: 'Config',
  spec,
});
const weekdays = on('mon', 'tue', 'wed', 'thu', 'fri');
const everyDay = on('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
const office = { name: 'office', days: weekdays, from: '09:00', to: '18:00', timezone: 'UTC' };
const night = { name: 'night', days: on('sat'), from: '22:00', to: '06:00', timezone: 'UTC' };
const opening = (config: Config | undefined, env: string, at: string, horizonDays?: number) =>
  nextOpening(config, env, new Date(at), horizonDays)?.toISOString();

describe('changeWindow', () => {
  it('is open when no window restricts the environment, and says so', () => {
    const open = { open: true, reason: 'no change window restricts this environment' };
    expect(changeWindow(undefined, 'production', new Date('2026-11-28T12:00:00Z'))).toEqual(open);
    const elsewhere = configOf({ windows: [{ ...office, env: 'staging' }] });
    expect(changeWindow(elsewhere, 'production', new Date('2026-11-28T12:00:00Z'))).toEqual(open);
    expect(changeWindow(elsewhere, 'staging', new Date('2026-11-28T12:00:00Z')).open).toBe(false);
  });

  it('names the window it is inside, and every window it is outside of', () => {
    const config = configOf({ windows: [office, night] });
    expect(changeWindow(config, 'production', new Date('2026-11-25T10:00:00Z'))).toEqual({
      open: true,
      reason: 'inside change window "office"',
    });
    expect(changeWindow(config, 'production', new Date('2026-11-29T12:00:00Z'))).toEqual({
      open: false,
      reason:
        'outside the change windows: "office" mon,tue,wed,thu,fri 09:00-18:00 UTC; "night" sat 22:00-06:00 UTC (ends the next day)',
    });
  });

  it('closes from the first instant of a freeze', () => {
    const config = configOf({
      freezes: [{ name: 'launch', from: '2026-12-01T10:00:00Z', to: '2026-12-01T12:00:00Z' }],
    });
    expect(changeWindow(config, 'production', new Date('2026-12-01T09:59:59.999Z')).open).toBe(true);
    expect(changeWindow(config, 'production', new Date('2026-12-01T10:00:00Z'))).toEqual({
      open: false,
      reason: 'change freeze "launch" until 2026-12-01T12:00:00Z',
    });
  });

  it("carries Saturday's night window over into Sunday morning, however the week wraps", () => {
    const config = configOf({ windows: [night, { ...night, name: 'sunday night', days: on('sun') }] });
    expect(changeWindow(config, 'production', new Date('2026-11-29T03:00:00Z'))).toMatchObject({
      open: true,
      reason: 'inside change window "night"',
    }); // Sunday 03:00
    expect(changeWindow(config, 'production', new Date('2026-11-30T03:00:00Z'))).toMatchObject({
      open: true,
      reason: 'inside change window "sunday night"',
    }); // Monday 03:00
    expect(changeWindow(config, 'production', new Date('2026-11-28T03:00:00Z')).open).toBe(false); // Saturday 03:00
  });

  it('knows every day of the week', () => {
    const day = (d: Day) => configOf({ windows: [{ ...office, days: on(d) }] });
    const week = ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
    const names: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    for (const [i, d] of names.entries())
      expect(week.map((date) => changeWindow(day(d), 'production', new Date(`${date}T12:00:00Z`)).open)).toEqual(
        week.map((_, j) => i === j),
      );
  });

  it('reads the day in the window’s own zone', () => {
    const config = configOf({
      windows: [{ ...office, days: on('tue'), from: '20:00', to: '23:00', timezone: 'America/New_York' }],
    });
    expect(changeWindow(config, 'production', new Date('2026-11-25T02:00:00Z')).open).toBe(true); // Tue 21:00 in New York, Wed in UTC
    expect(changeWindow(config, 'production', new Date('2026-11-26T02:00:00Z')).open).toBe(false); // Wed 21:00 in New York
  });
});

describe('nextOpening', () => {
  it('is now when nothing restricts the environment', () => {
    expect(opening(undefined, 'production', '2026-11-25T08:10:00Z')).toBe('2026-11-25T08:10:00.000Z');
  });

  it('is the next start of a window later today, not the hour it is in', () => {
    const config = configOf({ windows: [{ ...office, days: everyDay, from: '08:30', to: '09:00' }] });
    expect(opening(config, 'production', '2026-11-25T08:10:00Z')).toBe('2026-11-25T08:30:00.000Z');
  });

  it('never looks back at a window that started earlier and is over', () => {
    const config = configOf({ windows: [{ ...office, days: everyDay, from: '09:00', to: '09:15' }] });
    expect(opening(config, 'production', '2026-11-25T09:30:00Z')).toBe('2026-11-26T09:00:00.000Z');
    const afterFreeze = configOf({
      windows: [{ ...office, days: everyDay, from: '09:00', to: '09:15' }],
      freezes: [{ name: 'short', from: '2026-11-25T08:00:00Z', to: '2026-11-25T09:05:00Z' }],
    });
    expect(opening(afterFreeze, 'production', '2026-11-25T09:30:00Z')).toBe('2026-11-26T09:00:00.000Z');
  });

  it('finds the start of a window at a half hour, in a zone half an hour off the hour', () => {
    const kolkata = (from: string) =>
      configOf({ windows: [{ ...office, days: everyDay, from, to: '23:00', timezone: 'Asia/Kolkata' }] });
    expect(opening(kolkata('09:00'), 'production', '2026-11-25T00:00:00Z')).toBe('2026-11-25T03:30:00.000Z');
    expect(opening(kolkata('09:30'), 'production', '2026-11-25T00:00:00Z')).toBe('2026-11-25T04:00:00.000Z');
    expect(opening(kolkata('09:45'), 'production', '2026-11-25T00:00:00Z')).toBe('2026-11-25T04:15:00.000Z');
  });

  it('opens at the earliest moment, before a freeze that comes later', () => {
    const config = configOf({
      windows: [{ ...office, days: everyDay }],
      freezes: [{ name: 'tomorrow morning', from: '2026-11-26T00:00:00Z', to: '2026-11-26T10:00:00Z' }],
    });
    expect(opening(config, 'production', '2026-11-25T08:00:00Z')).toBe('2026-11-25T09:00:00.000Z');
    expect(opening(config, 'production', '2026-11-25T19:00:00Z')).toBe('2026-11-26T10:00:00.000Z');
  });

  it('opens when a freeze ends, inside a window that began during it', () => {
    const config = configOf({
      windows: [{ ...office, days: everyDay }],
      freezes: [{ name: 'deploy day', from: '2026-11-25T00:00:00Z', to: '2026-11-25T11:20:00Z' }],
    });
    expect(opening(config, 'production', '2026-11-25T08:00:00Z')).toBe('2026-11-25T11:20:00.000Z');
  });

  it('ignores a freeze of another environment', () => {
    const config = configOf({
      windows: [{ ...office, days: everyDay }],
      freezes: [{ name: 'staging only', env: 'staging', from: '2026-11-25T00:00:00Z', to: '2026-11-25T11:20:00Z' }],
    });
    expect(opening(config, 'production', '2026-11-25T10:00:00Z')).toBe('2026-11-25T10:00:00.000Z');
    expect(opening(config, 'staging', '2026-11-25T10:00:00Z')).toBe('2026-11-25T11:20:00.000Z');
  });

  it('includes an opening at the very end of the horizon, and none after it', () => {
    const config = configOf({ freezes: [{ name: 'a day', from: '2026-11-24T00:00:00Z', to: '2026-11-26T00:00:00Z' }] });
    expect(opening(config, 'production', '2026-11-25T00:00:00Z', 1)).toBe('2026-11-26T00:00:00.000Z');
    expect(opening(config, 'production', '2026-11-24T23:59:59Z', 1)).toBeUndefined();
    const thursday = configOf({ windows: [{ ...office, days: on('thu'), from: '10:00', to: '11:00' }] });
    expect(opening(thursday, 'production', '2026-11-25T10:00:00Z', 1)).toBe('2026-11-26T10:00:00.000Z');
    expect(opening(thursday, 'production', '2026-11-25T09:59:59Z', 1)).toBeUndefined();
  });
});

describe('describeSchedule', () => {
  it('lists the windows and the freezes not yet over that apply to the environment', () => {
    const config = configOf({
      windows: [office, { ...night, env: 'staging' }],
      freezes: [
        { name: 'over', from: '2026-11-01T00:00:00Z', to: '2026-11-25T00:00:00Z' },
        { name: 'year-end', from: '2026-12-24T00:00:00Z', to: '2027-01-02T00:00:00Z' },
        { name: 'staging move', env: 'staging', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' },
      ],
    });
    expect(describeSchedule(config, 'production', new Date('2026-11-25T00:00:00Z'))).toEqual([
      'change window "office" mon,tue,wed,thu,fri 09:00-18:00 UTC',
      'change freeze "year-end" from 2026-12-24T00:00:00Z to 2027-01-02T00:00:00Z',
    ]);
    expect(describeSchedule(config, 'staging', new Date('2026-11-24T23:59:59Z'))).toEqual([
      'change window "office" mon,tue,wed,thu,fri 09:00-18:00 UTC',
      'change window "night" sat 22:00-06:00 UTC (ends the next day)',
      'change freeze "over" from 2026-11-01T00:00:00Z to 2026-11-25T00:00:00Z',
      'change freeze "year-end" from 2026-12-24T00:00:00Z to 2027-01-02T00:00:00Z',
      'change freeze "staging move" from 2026-12-01T00:00:00Z to 2026-12-02T00:00:00Z',
    ]);
    expect(describeSchedule(undefined, 'production', new Date())).toEqual([]);
  });

  it('says when a window ends the next day', () => {
    expect(describeWindow(office)).toBe('"office" mon,tue,wed,thu,fri 09:00-18:00 UTC');
    expect(describeWindow(night)).toBe('"night" sat 22:00-06:00 UTC (ends the next day)');
  });
});

describe('a task whose targets several environments share', () => {
  const shared = ['staging', 'production'];
  const config = configOf({
    windows: [
      { ...office, env: 'production' },
      { ...night, env: 'staging', days: everyDay },
    ],
    freezes: [{ name: 'year-end', env: 'production', from: '2026-12-24T00:00:00Z', to: '2027-01-02T00:00:00Z' }],
  });

  it('is held by the freezes of every one of them', () => {
    expect(changeWindow(config, shared, new Date('2026-12-28T23:00:00Z'))).toEqual({
      open: false,
      reason: 'change freeze "year-end" until 2027-01-02T00:00:00Z',
    });
    expect(changeWindow(config, 'staging', new Date('2026-12-28T23:00:00Z')).open).toBe(true);
  });

  it('runs only inside a window of each environment that has windows, and opens when all of them do', () => {
    // Staging's night window is open, production's office hours are not.
    expect(changeWindow(config, shared, new Date('2026-11-25T23:00:00Z'))).toEqual({
      open: false,
      reason: 'outside the change windows: "office" mon,tue,wed,thu,fri 09:00-18:00 UTC',
    });
    const both = configOf({
      windows: [
        { ...office, env: 'production' },
        { ...office, name: 'day', env: 'staging' },
      ],
    });
    expect(changeWindow(both, shared, new Date('2026-11-25T10:00:00Z'))).toEqual({
      open: true,
      reason: 'inside change window "day" and "office"',
    });
    // Staging alone opens at 22:00; production's office hours need both, from 09:00 the next day.
    expect(opening(configOf({ windows: config.spec.windows }), 'staging', '2026-11-25T20:00:00Z')).toBe(
      '2026-11-25T22:00:00.000Z',
    );
    expect(nextOpening(configOf({ windows: both.spec.windows }), shared, new Date('2026-11-25T20:00:00Z'))).toEqual(
      new Date('2026-11-26T09:00:00.000Z'),
    );
    expect(describeSchedule(config, shared, new Date('2026-11-25T20:00:00Z'))).toHaveLength(3);
  });
});
