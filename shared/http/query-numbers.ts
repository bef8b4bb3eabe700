/**
 * Numbers in a query string. A query value is text, and only plain decimal digits read as a
 * number here: `z.coerce.number` also took `0x10` (16), `1e2` (100), ` 7 `, `0b11` and `''` (0), so a
 * client's typo became a different page size instead of a 400 naming the parameter.
 */
import * as z from 'zod/mini';

/** At most 9 digits: every bound a route sets fits, and the text never reads as an unsafe integer. */
const DIGITS = /^\d{1,9}$/;

/**
 * A whole number from `min` to `max`: decimal digits as the query string carries it, or a number
 * (a caller in process; the API description says integer, which a typed client sends as digits).
 */
export const queryInteger = (min: number, max: number) => {
  const message = `Expected a whole number from ${min} to ${max}, in decimal digits`;
  const bounded = () => z.number().check(z.int(message), z.gte(min, message), z.lte(max, message));
  return z.pipe(
    z.union([bounded(), z.pipe(z.string().check(z.regex(DIGITS, message)), z.transform(Number))], { error: message }),
    bounded(),
  );
};

/** A paged list's `limit` (1..max, `fallback` when absent) and opaque `cursor`. */
export const pageQuery = (max: number, fallback: number) => ({
  limit: z._default(queryInteger(1, max), fallback),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
