/**
 * The CRM's one email address rule as a schema: {@link sanitizeEmail} (IDN domains as punycode,
 * RFC 5322 local parts, lower case), which contacts, users, invitations and every send message are
 * held to. zod's `z.email()` is stricter (no IDN TLDs, no `&`, `!`...): an address the CRM holds
 * that failed it was queued and then refused by the sender. Imported from the identifiers module
 * alone, so a function that checks addresses does not bundle every other sanitizer.
 */
import * as z from 'zod/mini';
import { sanitizeEmail } from './sanitize-identifiers';

export const emailAddress = z.pipe(
  z.string().check(z.maxLength(254)),
  z.transform((value, ctx) => {
    try {
      return sanitizeEmail(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: 'Not a valid email address', input: ctx.value });
      return z.NEVER;
    }
  }),
);
