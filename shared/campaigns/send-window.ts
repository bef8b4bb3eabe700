/**
 * Wall-clock time in a contact's time zone: send windows ("weekdays 9:00-17:00 their time") and
 * waits until a time of day. Built on Intl's IANA zone data, so daylight-saving changes are
 * right by construction: a local time that does not exist (the spring-forward gap) moves to the
 * first minute after the gap; a local time that happens twice (fall back) is the first one.
 */
import * as z from 'zod/mini';
import { isReadableZone, isTimeZone, timeZone, type ZonedParts, zonedInstant, zonedParts } from '../zoned-time';

/** `timeZone`: the one schema of a zone given as input (zoned-time.ts). */
export { isTimeZone, timeZone, zonedInstant, zonedParts };

/**
 * An ISO weekday, 1 = Monday (journey.ts `weekday` is the same check). Declared here, not imported
 * from the journey, so this module stays small: the email sender loads it to judge a campaign
 * mail's window at delivery (send-email.ts), without the journey's schemas.
 */
const isoWeekday = z.number().check(z.int(), z.gte(1), z.lte(7));

const windowHours = {
  weekdays: z.array(isoWeekday).check(z.minLength(1), z.maxLength(7)),
  startHour: z.number().check(z.int(), z.gte(0), z.lte(23)),
  endHour: z.number().check(z.int(), z.gte(1), z.lte(24)),
};
const endsAfterStart = z.refine<{ startHour: number; endHour: number }>(
  (w) => w.endHour > w.startHour,
  'endHour must be after startHour',
);

/** Hours are [start, end) in the contact's zone, on the given ISO weekdays (1 = Monday). */
export const sendWindow = z.strictObject(windowHours).check(endsAfterStart);
export type SendWindow = z.infer<typeof sendWindow>;

/**
 * A send window with the zone it is read in (the contact's, else the campaign's): what a campaign
 * mail carries on the email-sends queue (`window`, send-request.ts), so the sender holds a mail it
 * kept past the window's end (paused, paced, providers down) until the next opening.
 */
export const zonedSendWindow = z
  .strictObject({
    ...windowHours,
    // Any zone the runtime reads: the zone of a campaign saved before offsets were refused stays
    // readable (zoned-time.ts `isReadableZone`), so its mail is not refused on the queue.
    zone: z.string().check(z.refine(isReadableZone, 'Not a time zone this runtime knows')),
  })
  .check(endsAfterStart);
export type ZonedSendWindow = z.infer<typeof zonedSendWindow>;

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

/**
 * The first instant strictly after `now` at which the contact's clock shows `hour:minute` on one of
 * `weekdays`, counting each local date-time once: in a fall-back night a repeated reading happens
 * at its first occurrence, so once that has passed (during the first pass or the second) the wait
 * goes to the next allowed day. A daily "until 02:30" loop therefore fires once that night, never
 * twice (test/unit/campaigns/send-window.test.ts, "fires once").
 */
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
