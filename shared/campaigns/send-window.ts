/**
 * Wall-clock time in a contact's time zone: send windows ("weekdays 9:00-17:00 their time") and
 * waits until a time of day. Built on Intl's IANA zone data, so daylight-saving changes are
 * right by construction: a local time that does not exist (the spring-forward gap) moves to the
 * first minute after the gap; a local time that happens twice (fall back) is the first one.
 */
import * as z from 'zod';
import { weekday } from './journey';

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

export const timeZone = z.string().refine(isTimeZone, 'Not a known IANA time zone (e.g. "Europe/Berlin")');

/** Hours are [start, end) in the contact's zone, on the given ISO weekdays (1 = Monday). */
export const sendWindow = z
  .strictObject({
    weekdays: z.array(weekday).min(1).max(7),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
  })
  .refine((w) => w.endHour > w.startHour, 'endHour must be after startHour');
export type SendWindow = z.infer<typeof sendWindow>;

export interface ZonedParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock reading of `instant` in `zone`. */
export function zonedParts(instant: Date, zone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday as string] ?? 1,
  };
}

/** How far `zone`'s clock is ahead of UTC at `instant`, in ms (to the minute). */
function offsetMs(instant: number, zone: string): number {
  const p = zonedParts(new Date(instant), zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/** The instant `zone`'s clock shows the given local date and time (see the DST rules above). */
export function zonedInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Two passes settle the offset; if neither reading shows the asked time, it fell in a gap.
  const first = wall - offsetMs(wall, zone);
  const second = wall - offsetMs(first, zone);
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) {
    const p = zonedParts(new Date(c), zone);
    if (p.hour === local.hour && p.minute === local.minute && p.day === local.day) return new Date(c);
  }
  // In a spring-forward gap: the offset before the gap carries the time past it (02:30 -> 03:30).
  return new Date(wall - offsetMs(wall - 86_400_000, zone));
}

/** The local calendar date `days` after the one in `p` (plain calendar arithmetic). */
function addDays(p: ZonedParts, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: ((p.weekday - 1 + days) % 7) + 1,
  };
}

/**
 * When a send may happen: `now` if the contact's clock is inside the window, else the next
 * opening (at most a week ahead, since every window has at least one weekday).
 */
export function nextWindowOpening(now: Date, window: SendWindow, zone: string): Date {
  const today = zonedParts(now, zone);
  if (window.weekdays.includes(today.weekday) && today.hour >= window.startHour && today.hour < window.endHour) {
    return now;
  }
  for (let days = 0; days <= 7; days += 1) {
    const date = addDays(today, days);
    if (!window.weekdays.includes(date.weekday)) continue;
    const opening = zonedInstant({ ...date, hour: window.startHour, minute: 0 }, zone);
    if (opening.getTime() > now.getTime()) return opening;
  }
  // Unreachable for a valid window; a week later is a safe answer.
  return new Date(now.getTime() + 7 * 86_400_000);
}

/** The first instant strictly after `now` at which the contact's clock shows `hour:minute` on one of `weekdays`. */
export function nextTimeOfDay(
  now: Date,
  at: { hour: number; minute: number; weekdays?: readonly number[] | undefined },
  zone: string,
): Date {
  const today = zonedParts(now, zone);
  for (let days = 0; days <= 8; days += 1) {
    const date = addDays(today, days);
    if (at.weekdays && !at.weekdays.includes(date.weekday)) continue;
    const candidate = zonedInstant({ ...date, hour: at.hour, minute: at.minute }, zone);
    if (candidate.getTime() > now.getTime()) return candidate;
  }
  return new Date(now.getTime() + 7 * 86_400_000);
}
