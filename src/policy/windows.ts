/** Change windows and freezes: may a change run in this environment now? Time-zone aware. Pure. */
import type { Config } from '../manifest/model.js';

export interface WindowVerdict {
  open: boolean;
  reason: string;
}

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function changeWindow(config: Config | undefined, env: string, now: Date): WindowVerdict {
  const freeze = (config?.spec.freezes ?? []).find((f) => (!f.env || f.env === env) && Date.parse(f.from) <= now.getTime() && now.getTime() < Date.parse(f.to));
  if (freeze) return { open: false, reason: `change freeze "${freeze.name}" until ${freeze.to}` };
  const windows = (config?.spec.windows ?? []).filter((w) => !w.env || w.env === env);
  if (windows.length === 0) return { open: true, reason: 'no change window restricts this environment' };
  const inside = windows.find((w) => {
    const local = localTime(now, w.timezone);
    return w.days.includes(local.day as never) && w.from <= local.time && local.time < w.to;
  });
  return inside
    ? { open: true, reason: `inside change window "${inside.name}"` }
    : { open: false, reason: `outside the change windows: ${windows.map((w) => `"${w.name}" ${w.days.join(',')} ${w.from}-${w.to} ${w.timezone}`).join('; ')}` };
}

function localTime(now: Date, timeZone: string): { day: string; time: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(now).map((p) => [p.type, p.value]));
  return { day: days[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!)]!, time: `${parts.hour}:${parts.minute}` };
}
