/**
 * The Resend provider (`EmailProvider`) over the official `resend` SDK.
 *
 * The SDK never throws for an API answer: `emails.send` resolves `{data, error}`, where `error`
 * is Resend's `{name, statusCode, message}` (and `statusCode: null`, name `application_error`,
 * when the request never got an answer: network failure, abort). `resendError` turns that into a
 * thrown `ResendApiError` carrying `name` and `status`, which `classifyProviderError`
 * (shared/email/provider-failover.ts) reads: 429 / `rate_limit_exceeded` -> throttled,
 * 422 `validation_error` and other 4xx -> rejected, 401/403 (bad or restricted key), daily or
 * monthly quota, 5xx and no answer at all -> unavailable (fail over). The two idempotency 409s keep
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
    this.name = nameFor(error);
    const status = statusFor(error);
    if (status !== undefined) this.status = status;
  }
}

/** Codes whose fault is the account (out of quota, key not allowed), not the message: fail over. */
const ACCOUNT_CODES = new Set([
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
  'missing_api_key',
  'invalid_api_key',
  'restricted_api_key',
  'invalid_access',
  'security_error',
]);

function nameFor(error: ResendErrorResponse): string {
  // 'validation_error', 'rate_limit_exceeded', 'invalid_idempotent_request' and
  // 'concurrent_idempotent_requests' are names the classifier knows; account-level
  // refusals get a name it does not, so their status (rewritten below) decides.
  return ACCOUNT_CODES.has(error.name) ? `resend_${error.name}` : error.name;
}

function statusFor(error: ResendErrorResponse): number | undefined {
  if (error.name === 'rate_limit_exceeded') return 429;
  // Resend answers a spent quota with 429 too, but waiting a second will not help: fail over.
  if (error.name === 'daily_quota_exceeded' || error.name === 'monthly_quota_exceeded') return 503;
  if (error.statusCode === null || error.statusCode === undefined) return undefined;
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
