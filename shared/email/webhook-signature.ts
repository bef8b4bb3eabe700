/**
 * Resend signs its webhooks with Svix (the Standard Webhooks scheme):
 * `svix-signature: v1,<base64 HMAC-SHA256(key, "<svix-id>.<svix-timestamp>.<raw body>")>` (several
 * space-separated entries while a secret rotates), the key being the base64 after `whsec_`.
 * A timestamp more than 5 minutes away from our clock is refused, so a captured request cannot be
 * replayed later.
 *
 * Verified with node:crypto rather than the `svix` package: the algorithm is these few lines, the
 * package brings the whole Svix API client (and its dependencies) into the bundle for one
 * function, and this way the comparison is visibly constant-time (`timingSafeEqual`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  readonly id?: string | undefined;
  readonly timestamp?: string | undefined;
  readonly signature?: string | undefined;
}

export type WebhookVerdict =
  | { readonly valid: true; readonly id: string }
  | { readonly valid: false; readonly reason: 'missing-headers' | 'bad-timestamp' | 'expired' | 'bad-signature' };

const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');

/** The `v1,<base64>` signature of a body (what the sender puts in `svix-signature`). */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Checks a webhook's headers against its raw body; `nowMs` is our clock. */
export function verifyWebhook(secret: string, headers: WebhookHeaders, body: string, nowMs: number): WebhookVerdict {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { valid: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'bad-timestamp' };
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) return { valid: false, reason: 'expired' };
  const expected = Buffer.from(signWebhook(secret, id, seconds, body).slice(3), 'base64');
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { valid: true, id };
  }
  return { valid: false, reason: 'bad-signature' };
}
