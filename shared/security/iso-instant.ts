/**
 * An ISO-8601 date-time with any offset, as the API takes it (`from`/`to` filters, `occurredAt`,
 * a consent's `at`, a schedule's `at`), whose UTC instant lies in the years 0000-9999.
 *
 * The offset may move a date past either end: `9999-12-31T23:59:59-23:59` is in the year 10000 and
 * `0000-01-01T00:00:00+01:00` in the year -1, whose `toISOString()` is the expanded form
 * `+010000-...` / `-000001-...`. Stored times (and the keys built from them) are 4-digit-year text
 * compared as strings, which that form sorts outside of (a key range turned upside down was a 500):
 * such a date is refused at the edge with a 400 naming the field.
 */
import * as z from 'zod/mini';

const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export const ISO_INSTANT_RANGE_MESSAGE = 'Must be between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in UTC';

/** Whether `value` (a date-time string) is an instant of the years 0000-9999 in UTC. */
export const isInstantInRange = (value: string): boolean => {
  const ms = Date.parse(value);
  return ms >= EARLIEST && ms <= LATEST;
};

/** An ISO-8601 date-time with an optional offset, in the years 0000-9999 once in UTC. */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .check(z.refine(isInstantInRange, { message: ISO_INSTANT_RANGE_MESSAGE }));
