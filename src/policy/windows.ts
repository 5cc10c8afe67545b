/**
 * Change windows and freezes: may a change run in this environment now, and if not, when next?
 * A task whose targets several environments share (see shared-environments.ts) is held by all of
 * theirs: every freeze, and a window of each environment that has any. Time-zone aware; a window
 * whose end is before its start crosses midnight (22:00-06:00 on `mon` runs from Monday 22:00 to
 * Tuesday 06:00). Pure.
 */
import type { Config } from '../manifest/model.js';

export interface WindowVerdict {
  open: boolean;
  reason: string;
}

type Window = NonNullable<Config['spec']['windows']>[number];
type Freeze = NonNullable<Config['spec']['freezes']>[number];
/** One environment, or every environment whose targets a task shares. */
type Environments = string | readonly string[];
const listOf = (env: Environments): readonly string[] => (typeof env === 'string' ? [env] : env);

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minute = 60_000;

export function changeWindow(config: Config | undefined, env: Environments, now: Date): WindowVerdict {
  const envs = listOf(env);
  const freeze = freezeAt(config, envs, now);
  if (freeze) return { open: false, reason: `change freeze "${freeze.name}" until ${freeze.to}` };
  const perEnv = envs.map((e) => windowsFor(config, e)).filter((windows) => windows.length > 0);
  if (perEnv.length === 0) return { open: true, reason: 'no change window restricts this environment' };
  const shut = perEnv.find((windows) => !windows.some((w) => isInside(w, now)));
  if (shut) return { open: false, reason: `outside the change windows: ${shut.map(describeWindow).join('; ')}` };
  const inside = [...new Set(perEnv.map((windows) => windows.find((w) => isInside(w, now))!))];
  return { open: true, reason: `inside change window ${inside.map((w) => `"${w.name}"`).join(' and ')}` };
}

/**
 * The first moment, at or after `now`, when a change may run; undefined when none within the horizon.
 * A closed environment opens only when a window starts or a freeze ends, so only those moments are tried.
 */
export function nextOpening(
  config: Config | undefined,
  env: Environments,
  now: Date,
  horizonDays = 35,
): Date | undefined {
  const envs = listOf(env);
  const end = now.getTime() + horizonDays * 86_400_000;
  const freezes = freezesFor(config, envs).map((f) => Date.parse(f.to));
  const candidates = [
    now.getTime(),
    ...freezes,
    ...envs.flatMap((e) => windowsFor(config, e)).flatMap((w) => windowStarts(w, now.getTime(), end)),
  ]
    .filter((t) => t >= now.getTime() && t <= end)
    .sort((a, b) => a - b);
  const opening = candidates.find((t) => changeWindow(config, env, new Date(t)).open);
  return opening === undefined ? undefined : new Date(opening);
}

/** The instants a window starts between two times: each hour is read in the window's zone (DST-safe). */
function windowStarts(w: Window, from: number, to: number): number[] {
  const [hour, min] = w.from.split(':').map(Number) as [number, number];
  const starts: number[] = [];
  for (let t = Math.floor(from / 3_600_000) * 3_600_000; t <= to; t += 3_600_000) {
    const local = localTime(new Date(t), w.timezone);
    if (Number(local.time.slice(0, 2)) === hour) starts.push(t + (min - Number(local.time.slice(3))) * minute);
  }
  return starts;
}

/** Every window and freeze that applies to an environment, in words (for plans and checks). */
export function describeSchedule(config: Config | undefined, env: Environments, now: Date): string[] {
  const envs = listOf(env);
  const freezes = freezesFor(config, envs).filter((f) => Date.parse(f.to) > now.getTime());
  return [
    ...[...new Set(envs.flatMap((e) => windowsFor(config, e)))].map((w) => `change window ${describeWindow(w)}`),
    ...freezes.map((f) => `change freeze "${f.name}" from ${f.from} to ${f.to}`),
  ];
}

export const describeWindow = (w: Window) =>
  `"${w.name}" ${w.days.join(',')} ${w.from}-${w.to} ${w.timezone}${w.to < w.from ? ' (ends the next day)' : ''}`;

const windowsFor = (config: Config | undefined, env: string) =>
  (config?.spec.windows ?? []).filter((w) => !w.env || w.env === env);

const freezesFor = (config: Config | undefined, envs: readonly string[]) =>
  (config?.spec.freezes ?? []).filter((f) => !f.env || envs.includes(f.env));

function freezeAt(config: Config | undefined, envs: readonly string[], now: Date): Freeze | undefined {
  return freezesFor(config, envs).find((f) => Date.parse(f.from) <= now.getTime() && now.getTime() < Date.parse(f.to));
}

function isInside(w: Window, now: Date): boolean {
  const local = localTime(now, w.timezone);
  const on = (day: string) => w.days.includes(day as never);
  if (w.from < w.to) return on(local.day) && w.from <= local.time && local.time < w.to;
  // Across midnight: the evening part belongs to the listed day, the morning part to the day before.
  return (on(local.day) && local.time >= w.from) || (on(local.dayBefore) && local.time < w.to);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(now: Date, timeZone: string): { day: string; dayBefore: string; time: string } {
  if (!formatters.has(timeZone))
    formatters.set(
      timeZone,
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    );
  const parts = Object.fromEntries(
    formatters
      .get(timeZone)!
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const index = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return { day: days[index]!, dayBefore: days[(index + 6) % 7]!, time: `${parts.hour}:${parts.minute}` };
}
