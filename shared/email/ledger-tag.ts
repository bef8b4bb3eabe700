/**
 * The `ledger` message tag: which send-ledger record a provider's event is about. Every send
 * carries it (send-email.ts), so the provider's own Send event can acknowledge the send when the
 * sender died before recording it (docs/EMAIL.md, "Exactly once").
 *
 * The value is the ledger key, base64url-encoded: SES and Resend tag values allow only
 * `[A-Za-z0-9_-]` (SES also `.` and `@`) and at most 256 characters, and the key has `#` and, for
 * a client's `Idempotency-Key`, any visible ASCII. A hash would fit any key but could not be read
 * back without a second index; every key the product forms is well under the 192 bytes that
 * encode to 256 characters (the longest, a campaign key, is about 140). A longer key gets no tag
 * and keeps the residual window.
 */

export const LEDGER_TAG = 'ledger';
/** SES and Resend refuse longer tag values. */
export const MAX_TAG_VALUE = 256;

/** The tag value naming `key`, or undefined when the key is too long to be named in a tag. */
export function ledgerTagOf(key: string): string | undefined {
  const value = Buffer.from(key, 'utf8').toString('base64url');
  return value.length > 0 && value.length <= MAX_TAG_VALUE ? value : undefined;
}

/** The ledger key a tag value names; undefined for anything not written by {@link ledgerTagOf}. */
export function ledgerKeyOfTag(value: string | undefined): string | undefined {
  if (!value || value.length > MAX_TAG_VALUE || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const key = Buffer.from(value, 'base64url').toString('utf8');
  // Only the canonical encoding of a well-formed key: a mangled tag names nothing.
  return key.length > 0 && ledgerTagOf(key) === value ? key : undefined;
}
