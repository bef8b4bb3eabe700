/**
 * The Resend provider (`EmailProvider`) over the official `resend` SDK.
 *
 * The SDK never throws for an API answer: `emails.send` resolves `{data, error}`, where `error`
 * is Resend's `{name, statusCode, message}` (and `statusCode: null`, name `application_error`,
 * when the request never got an answer: network failure, abort). `resendError` turns that into a
 * thrown `ResendApiError` carrying `name` and `status`, which `classifyProviderError`
 * (shared/email/provider-failover.ts) reads: 429 / `rate_limit_exceeded` -> throttled; a fault of
 * the message (400/422 `validation_error`, `missing_required_field`, `invalid_parameter`,
 * `invalid_attachment`) -> rejected; a fault of the account ({@link accountFault}: a bad or
 * restricted key, an unverified sending domain (403 `validation_error`), the From address, a
 * wrong route, any other 4xx), daily or monthly quota, 5xx and no answer at all -> unavailable
 * (fail over; with nothing after Resend, retried later, never closed). The two idempotency 409s keep
 * their code as `name`, which the classifier reads before the status: `invalid_idempotent_request`
 * (this key was used with another payload: the earlier request may have been delivered) ->
 * `idempotency-conflict`, never `rejected`; `concurrent_idempotent_requests` (a request with this
 * key is still in progress) -> `idempotency-in-progress`, a retry later.
 */
import { Resend } from 'resend';
import type { EmailProvider, OutgoingEmail } from '../email/ports';
import { assertSendable } from './outgoing-email-guard';

export interface ResendProviderOptions {
  readonly apiKey: string;
  /** API root; default the SDK's (`RESEND_BASE_URL`, else https://api.resend.com). Locally the stand-in. */
  readonly baseUrl?: string;
}

/** A send may name its idempotency key; Resend then refuses to send the same key twice within 24 h. */
export type ResendEmail = OutgoingEmail & { readonly idempotencyKey?: string };

/** Resend's error object, as the SDK resolves it. */
export interface ResendErrorResponse {
  readonly name: string;
  readonly statusCode: number | null;
  readonly message: string;
}

/** A Resend API error as a thrown error: `name` is Resend's code, `status` its HTTP status. */
export class ResendApiError extends Error {
  /** Resend's error code (`validation_error`, `rate_limit_exceeded`, ...). */
  override name: string;
  /** HTTP status; absent when the request got no answer. */
  readonly status?: number;
  readonly code: string;

  constructor(error: ResendErrorResponse, options?: ErrorOptions) {
    super(`Resend: ${error.message} (${error.name}${error.statusCode ? `, ${error.statusCode}` : ''})`, options);
    this.code = error.name;
    this.name = error.name;
    const status = statusFor(error);
    if (status !== undefined) this.status = status;
  }
}

/**
 * Resend's codes for a fault of the message itself (a field of this email Resend refuses): these
 * alone may close a send as `rejected`, and `validation_error` only below 401/403.
 */
const MESSAGE_CODES = new Set([
  'validation_error',
  'missing_required_field',
  'invalid_parameter',
  'invalid_attachment',
  'invalid_idempotency_key',
]);
/** Codes the classifier reads by name (before the status), with the status {@link statusFor} gives them. */
const NAMED_CODES = new Set([
  'rate_limit_exceeded',
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
  'invalid_idempotent_request',
  'concurrent_idempotent_requests',
]);

/**
 * Whether Resend refused the account, not the message: every mail of this sender would be refused
 * alike, so the chain fails over (with no provider after it, the send is retried, never closed).
 * A refusal of the key (`missing_api_key`, `invalid_api_key`, `restricted_api_key`), of its access
 * (`invalid_access`, `security_error`), of the sender configuration (403 `validation_error`: "The
 * <domain> domain is not verified", "You can only send testing emails to your own email address";
 * `invalid_from_address`: the From is the one configured sender of every mail), of the request's
 * route (`not_found`, `method_not_allowed`, `invalid_region`: the base URL or the region), or a 4xx
 * without Resend's error body (`application_error`: a proxy's answer). Any other 4xx code but
 * {@link MESSAGE_CODES} is read so too: a code Resend adds later is retried, never a mail lost.
 * 408 (a timeout) and 429 keep their meaning; 5xx and no answer are unavailable by status.
 */
export function accountFault(error: ResendErrorResponse): boolean {
  const status = error.statusCode;
  if (NAMED_CODES.has(error.name) || typeof status !== 'number' || status < 400 || status >= 500) return false;
  if (status === 401 || status === 403) return true;
  if (status === 408 || status === 429) return false;
  return !MESSAGE_CODES.has(error.name);
}

function statusFor(error: ResendErrorResponse): number | undefined {
  if (error.name === 'rate_limit_exceeded') return 429;
  // Resend answers a spent quota with 429 too, but waiting a second will not help: fail over.
  if (error.name === 'daily_quota_exceeded' || error.name === 'monthly_quota_exceeded') return 503;
  if (error.statusCode === null || error.statusCode === undefined) return undefined;
  // The account refused, whatever status Resend gave (422 `invalid_from_address`, 404 `not_found`...).
  if (accountFault(error)) return 403;
  return error.statusCode;
}

/** Maps a resolved SDK error to the error to throw (a request that got no answer looks like a network failure). */
export function resendError(error: ResendErrorResponse): ResendApiError {
  if (error.statusCode === null || error.statusCode === undefined) {
    // The SDK swallows the transport error; say so in the classifier's terms (network -> unavailable).
    return new ResendApiError(error, { cause: Object.assign(new Error(error.message), { code: 'ECONNRESET' }) });
  }
  return new ResendApiError(error);
}

/** Resend tag names and values: ASCII letters, digits, `_` and `-`, at most 256 characters. */
function tagPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}

export function resendProvider(options: ResendProviderOptions): EmailProvider {
  const client = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {});
  return {
    name: 'resend',
    async send(email: ResendEmail, signal?: AbortSignal) {
      assertSendable(email);
      const tags = Object.entries(email.tags).map(([name, value]) => ({ name: tagPart(name), value: tagPart(value) }));
      const { data, error } = await client.emails.send(
        {
          from: email.from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          ...(Object.keys(email.headers).length ? { headers: { ...email.headers } } : {}),
          ...(tags.length ? { tags } : {}),
        },
        {
          ...(signal ? { signal } : {}),
          ...(email.idempotencyKey ? { idempotencyKey: email.idempotencyKey.slice(0, 256) } : {}),
        },
      );
      if (error) throw resendError(error);
      return { providerMessageId: data.id };
    },
  };
}
