/**
 * Sanitizers for short identifiers: email addresses, UUIDs and bounded integers. Each
 * returns the canonical form or throws a `ValidationError` with a stable code; messages
 * never repeat the input.
 */
import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors';

const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// RFC 5322 dot-atom: atext runs separated by single dots. Quoted local parts are refused.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_INPUT = /^[\p{L}\p{M}\p{N}.-]+$/u;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Validates and canonicalises an email address: trimmed, lower-cased (local part too, as
 * every mailbox provider we deliver to treats it case-insensitively), at most 254
 * characters, exactly one `@`, a dot-atom local part of at most 64 characters and a
 * domain of at least two LDH labels with an alphabetic or punycode TLD. An internationalised
 * domain is returned in its punycode form. IP literals, quoted local parts, comments and
 * non-ASCII local parts (SMTPUTF8) are refused: a pragmatic subset of RFC 5321.
 *
 * @throws ValidationError `INVALID_EMAIL`
 */
export function sanitizeEmail(s: string): string {
  const trimmed = s.trim();
  const at = trimmed.indexOf('@');
  if (trimmed.length > MAX_EMAIL_LENGTH || at < 1 || at !== trimmed.lastIndexOf('@')) throw invalidEmail();
  const local = trimmed.slice(0, at).toLowerCase();
  const rawDomain = trimmed.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local)) throw invalidEmail();
  // The character check comes first: domainToASCII would percent-decode and map look-alike dots.
  const domain = DOMAIN_INPUT.test(rawDomain) ? domainToASCII(rawDomain.toLowerCase()) : '';
  const labels = domain.split('.');
  const tld = labels.at(-1) ?? '';
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !TOP_LEVEL_DOMAIN.test(tld)) {
    throw invalidEmail();
  }
  const address = `${local}@${domain}`;
  if (address.length > MAX_EMAIL_LENGTH) throw invalidEmail();
  return address;
}

const invalidEmail = () => new ValidationError('The email address is not valid', 'INVALID_EMAIL');

// Version nibble 1-8, variant bits 10xx. The nil and max UUIDs are never generated ids.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Accepts an RFC 9562 (formerly 4122) UUID of any version 1-8 in its canonical
 * hyphenated form, surrounding whitespace ignored, and returns it lower-cased. Braces,
 * `urn:uuid:` prefixes and the nil/max UUIDs are refused.
 *
 * @throws ValidationError `INVALID_UUID`
 */
export function sanitizeUuid(s: string): string {
  const trimmed = s.trim();
  if (!UUID.test(trimmed)) throw new ValidationError('The identifier is not a valid UUID', 'INVALID_UUID');
  return trimmed.toLowerCase();
}

export interface BoundedIntOptions {
  min: number;
  max: number;
  /** The field name used in the error message and details, e.g. `limit`. */
  name: string;
}

const INTEGER_TEXT = /^[+-]?\d{1,16}$/;

/**
 * Accepts a safe integer, or a string of one (optional sign, decimal digits only: no
 * exponent, fraction, hex or empty string), within `[min, max]`, and returns it as a number.
 * Typical use: query parameters such as `?limit=50`.
 *
 * @throws ValidationError `INVALID_INTEGER`, naming the field, with `{field, min, max}` details
 * @throws RangeError when the bounds themselves are not safe integers with `min <= max`
 */
export function boundedInt(value: unknown, { min, max, name }: BoundedIntOptions): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
    throw new RangeError(`boundedInt(${name}): min and max must be safe integers with min <= max`);
  }
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) n = Number(value.trim());
  if (n === undefined || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ValidationError(`${name} must be an integer from ${min} to ${max}`, 'INVALID_INTEGER', {
      details: { field: name, min, max },
    });
  }
  return n === 0 ? 0 : n; // no -0
}
