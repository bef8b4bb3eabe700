/**
 * Single-line human text: names, titles, labels, and anything that may reach an email
 * subject or header. One rule for every such field, so a workspace name cannot carry a
 * line break into a `Subject:` (header injection) while a user's display name can't.
 */
import * as z from 'zod/mini';

/**
 * What a single line must not contain:
 * - C0 and C1 control characters (`\p{Cc}`): NUL, TAB, CR, LF, ESC, DEL, NEL (U+0085), ...
 *   TAB is refused too: a header may fold on it, and no name needs one.
 * - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which some mail clients and
 *   JavaScript treat as line ends.
 * - Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 *   make a name display as something else ("Trojan Source" spoofing).
 * - Lone surrogates (not well-formed UTF-16), which no mail header can encode. With the `u`
 *   flag, `[\uD800-\uDFFF]` matches only unpaired ones.
 * Joiners (U+200C/U+200D) stay allowed: scripts and emoji sequences need them.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

export const SINGLE_LINE_MESSAGE = 'Must be a single line without control characters';

/**
 * `value` on one line: each run of forbidden characters and whitespace becomes one space. For
 * text stored before the rule existed that is about to enter a header (old workspace names).
 */
export const flattenToSingleLine = (value: string): string =>
  value.replace(new RegExp(`(?:${FORBIDDEN.source}|\\s)+`, 'gu'), ' ').trim();

/** True when `value` holds none of the characters above. */
export const isSingleLine = (value: string): boolean => !FORBIDDEN.test(value);

/**
 * A zod schema for one line of human text of 1 to `max` characters (UTF-16 code units,
 * after trimming). Checked on the raw input, before trimming: `"Acme\r\n"` is refused, not
 * quietly trimmed. The result is NFC-normalised, so `é` composed or not is the same name.
 */
export const singleLineText = (max: number) =>
  z
    .string()
    .check(
      z.refine(isSingleLine, SINGLE_LINE_MESSAGE),
      z.trim(),
      z.normalize('NFC'),
      z.minLength(1, 'Must not be empty'),
      z.maxLength(max),
    );

/** Thrown when a value about to become an email header is not a single line: a bug of ours. */
export class UnsafeHeaderValueError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsafeHeaderValueError';
  }
}

/**
 * The backstop under the schemas: every value that becomes an email header (subject,
 * recipient) passes through here, and a line break or control character stops the send.
 * Input validation should have refused it earlier; reaching this throw means a path that
 * skipped {@link singleLineText} (old stored data, a new route), so it is a 500, not a 400.
 */
export function assertHeaderValue(value: string, header: string): string {
  if (!isSingleLine(value)) {
    throw new UnsafeHeaderValueError(`The email ${header} contains a line break or control character`);
  }
  return value;
}
