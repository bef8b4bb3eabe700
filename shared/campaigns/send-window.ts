/**
 * Wall-clock time in a contact's time zone: send windows ("weekdays 9:00-17:00 their time") and
 * waits until a time of day. Built on Intl's IANA zone data, so daylight-saving changes are
 * right by construction (zoned-time.ts), whatever a gap's length and start: a window opens at the
 * first instant the contact's clock reads inside it (when its start falls in a spring-forward gap,
 * at the gap's end: 03:00-04:00 opens at 03:45 when clocks jump 02:45 -> 03:45); a wait until a
 * time of day that does not exist fires past the gap by the gap's length (02:30 -> 03:30 when clocks
 * jump 02:00 -> 03:00); a local time that happens twice (fall back) is the first one.
 */
import * as z from 'zod/mini';
import {
  firstInstantReading,
  isReadableZone,
  isTimeZone,
  nextSlotInZone,
  timeZone,
  wallWeekday,
  zonedInstant,
  zonedParts,
} from '../zoned-time';

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

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * When a send may happen: `now` if the contact's clock is inside the window, else the first instant
 * it reads inside it (at most a week ahead, since every window has at least one weekday): the
 * start hour on an allowed day, or the end of a spring-forward gap that skips it, or the instant a
 * fall back brings the clock back into the window.
 */
export function nextWindowOpening(now: Date, window: SendWindow, zone: string): Date {
  const firstReadingInWindow = (wall: number): number | undefined => {
    const today = Math.floor(wall / DAY) * DAY;
    for (let day = today; day <= today + 7 * DAY; day += DAY) {
      if (!window.weekdays.includes(wallWeekday(day))) continue;
      if (wall < day + window.endHour * HOUR) return Math.max(wall, day + window.startHour * HOUR);
    }
    return undefined;
  };
  // Unreachable for a valid window; a week later is a safe answer.
  return firstInstantReading(now, zone, firstReadingInWindow) ?? new Date(now.getTime() + 7 * DAY);
}

/**
 * The first instant strictly after `now` at which the contact's clock shows `hour:minute` on one of
 * `weekdays`, counting each local date-time once (zoned-time.ts `nextSlotInZone`): in a fall-back
 * night a repeated reading happens at its first occurrence, so once that has passed (during the
 * first pass or the second) the wait goes to the next allowed day; a reading a spring-forward gap
 * skips happens past the gap by its length, even for a contact who arrives after the gap and before
 * that (02:30 at 03:30, arriving at 03:10). A daily "until 02:30" loop therefore fires once that
 * night, never twice (test/unit/campaigns/send-window.test.ts, "fires once").
 */
export function nextTimeOfDay(
  now: Date,
  at: { hour: number; minute: number; weekdays?: readonly number[] | undefined },
  zone: string,
): Date {
  const nextReadingAfter = (wall: number): number | undefined => {
    const today = Math.floor(wall / DAY) * DAY;
    for (let day = today; day <= today + 8 * DAY; day += DAY) {
      if (at.weekdays && !at.weekdays.includes(wallWeekday(day))) continue;
      const reading = day + at.hour * HOUR + at.minute * 60_000;
      if (reading > wall) return reading;
    }
    return undefined;
  };
  return nextSlotInZone(now, zone, nextReadingAfter) ?? new Date(now.getTime() + 7 * DAY);
}
