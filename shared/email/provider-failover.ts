/**
 * Sending through a chain of providers (SES v2 -> Resend -> SMTP). What a provider's error
 * means decides what happens next:
 * - `throttled` (HTTP 429, SES `TooManyRequestsException`/`Throttling`): the provider is
 *   fine, we are too fast. No failover (the next provider would be hammered too); the
 *   message goes back to the queue to be paced and retried on the same chain.
 * - `rejected` (4xx other than throttling, 401 and 403, SES `MessageRejected`, invalid address):
 *   the message itself is refused; another provider would refuse or misdeliver it too. No failover.
 * - `unavailable` (5xx, network, timeouts, an open breaker, 401 and 403 whatever the error's name,
 *   faults of the provider's account or sender configuration, a provider skipped because its daily
 *   quota is spent): try the next provider, but only after a definite refusal (below).
 * - `idempotency-conflict` (Resend 409 `invalid_idempotent_request`): Resend already holds a
 *   request under this send's idempotency key, with another payload. The earlier request may well
 *   have been accepted and delivered (that is when a retry happens: an attempt died after the
 *   provider's answer), so this is never `rejected` and never a failover (either would record a
 *   delivered mail as refused or send it a second time). The sender closes the send with a reason
 *   that says it may have been delivered (send-email.ts).
 * - `idempotency-in-progress` (Resend 409 `concurrent_idempotent_requests`): a request under this
 *   key is still being processed, so Resend has the message: no failover, and the sender holds the
 *   send's claim for its Send event (`uncertain`, as for `outcome-unknown`).
 * - `outcome-unknown`: an `unavailable` fault without a definite refusal, i.e. an answer that says
 *   the provider did not take the message (a network error or a timeout after the request left, a
 *   2xx or 3xx whose body could not be read, a 502 or 504, an error of no known shape;
 *   {@link outcomeUnknown}). The provider may have accepted it, so another call could send a
 *   second copy: the chain stops there (a failover would be another provider's copy, and no
 *   provider dedupes another's requests), and the same link retries it only when the provider
 *   dedupes on the email's idempotency key (Resend; SES and SMTP relays do not). The sender holds
 *   the send's claim for the provider's Send event (send-email.ts).
 * Each provider has its own circuit breaker and retry policy (shared/resilience), so a dead
 * provider is skipped quickly instead of being waited on for every message.
 */
import {
  CircuitBreaker,
  CircuitOpenError,
  classifyError,
  RetryExhaustedError,
  type RetryOptions,
  retry,
} from '../resilience';
import type { EmailProvider, OutgoingEmail, ProviderName } from './ports';

export type ProviderFault =
  | 'throttled'
  | 'rejected'
  | 'unavailable'
  | 'idempotency-conflict'
  | 'idempotency-in-progress';

/**
 * Error names that mean the message (not the service) is at fault, unless the status says the
 * account was refused (401, 403: read first). Never a fault of the account or its sender
 * configuration (an unverified MAIL FROM domain or sender identity, a paused account, Resend's
 * unverified domain): those refuse every mail from that sender alike, and each adapter says so in
 * the classifier's terms (ses-provider.ts `sesAccountFault`, resend-email.ts `accountFault`,
 * smtp-email.ts `smtpFault`), so the chain fails over.
 */
const REJECTING_NAMES = new Set([
  'MessageRejected',
  'BadRequestException',
  'InvalidParameterValue',
  'validation_error',
]);
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'Throttling',
  'ThrottlingException',
  'rate_limit_exceeded',
]);

/**
 * Providers that answer a repeat of an email's `idempotencyKey` with the first email instead of
 * sending it again (Resend, for 24 h): a call after one whose outcome is unknown is safe there.
 * SES has no idempotency key; an SMTP relay takes the stable Message-ID as any other.
 */
const DEDUPES_ON_IDEMPOTENCY_KEY: ReadonlySet<ProviderName> = new Set(['resend']);

/** Whether `provider` dedupes a repeated request under the email's idempotency key. */
export const dedupesOnIdempotencyKey = (provider: ProviderName): boolean => DEDUPES_ON_IDEMPOTENCY_KEY.has(provider);

/** Codes of a connection that never opened: the request cannot have reached the provider. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/**
 * The AWS SDK's connection timeout (`connectionTimeout` of its NodeHttpHandler, shared/aws/ses.ts):
 * a `TimeoutError` whose message says no connection was established. Read from the message, the
 * only place the handler says which phase timed out; another wording reads as unknown (the safe side).
 */
const SDK_CONNECT_TIMEOUT = /did not establish a connection/i;
/** nodemailer codes raised before the message was handed to the relay (DNS, login, envelope). */
const SMTP_BEFORE_MESSAGE = new Set(['EDNS', 'EAUTH', 'ENOAUTH', 'EENVELOPE']);

/**
 * Error statuses from 400 to 511 that do not say the service refused the request: a timeout (408;
 * 499, a proxy's "client closed"), and a gateway speaking for a service behind it that may have
 * acted on the request (502 bad gateway: the service's answer cut or garbled; 504 gateway timeout).
 * Codes above 511 are not standard (a CDN's 520 to 527: the origin's answer unknown, empty or
 * timed out; 598/599 network read timeouts) and are no refusal either.
 */
const STATUS_WITHOUT_REFUSAL = new Set([408, 499, 502, 504]);

/**
 * Whether an HTTP status is a definite refusal: the service answered that it did not take the
 * request. A 4xx other than a timeout (the request was refused as it stands: throttled, invalid,
 * unauthorised), or a 5xx the service itself answers (500, 501, 503, 505 to 511: SES's
 * `InternalFailure` and `ServiceUnavailable`, Resend's `internal_server_error`: the request failed
 * and is to be retried as a new one, as both document for these). Not a refusal: any status below
 * 400 on an error (an answer of 2xx or 3xx that could not be read, e.g. the SDK's deserializer
 * failing on a 200 whose body was cut or garbled: the service took the request), a timeout, a
 * gateway's answer or a non-standard code ({@link STATUS_WITHOUT_REFUSAL}, 512 and up).
 */
export function refusedByStatus(status: number): boolean {
  if (status < 400 || status > 511) return false;
  return !STATUS_WITHOUT_REFUSAL.has(status);
}

/**
 * Whether a failed provider call leaves it unknown if the provider took the message: true unless
 * something definite says it did not. Definite: an HTTP status that is a refusal
 * ({@link refusedByStatus}: a 4xx other than a timeout, a 5xx the service itself answers), an SMTP
 * reply code of refusal (4xx, 5xx), an open breaker (the call never ran), a connection that never
 * opened (refused, DNS failure, a connection timeout), or an SMTP error raised before the message
 * was handed over. Everything else is doubt, and doubt is unknown: a timeout, a reset, an abort, a
 * 2xx or 3xx carried by an error (the answer came and could not be read), a 504 or 502, an error of
 * no known shape. SMTP errors (`SmtpSendError`) carry a 503 for network failures too: for them the
 * relay's reply code is the answer. Retries that ran out are judged by their last error (the earlier
 * ones were retried, which {@link sendWithFailover} allows only for answers or on a provider that
 * dedupes).
 */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return false;
  if (error instanceof RetryExhaustedError) return outcomeUnknown(error.cause);
  const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; cause?: unknown } | undefined;
  if (e?.name === 'SmtpSendError') {
    if (typeof e.responseCode === 'number') return !(e.responseCode >= 400 && e.responseCode < 600);
    return !(typeof e.code === 'string' && SMTP_BEFORE_MESSAGE.has(e.code));
  }
  const { status } = classifyError(error);
  if (status !== undefined) return !refusedByStatus(status);
  return !neverConnected(error);
}

/** A connection that never opened (refused, DNS, connect timeout), anywhere in the cause chain. */
function neverConnected(error: unknown): boolean {
  for (let link: unknown = error, depth = 0; link && depth < 5; link = (link as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = link as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    if (name === 'TimeoutError' && typeof message === 'string' && SDK_CONNECT_TIMEOUT.test(message)) return true;
  }
  return false;
}

/** What a provider error means for this message. */
export function classifyProviderError(error: unknown): ProviderFault {
  if (error instanceof CircuitOpenError) return 'unavailable';
  if (error instanceof RetryExhaustedError) return classifyProviderError(error.cause);
  const name = (error as { name?: unknown })?.name;
  // Before the status: both are 409s, which would otherwise read as a rejected message.
  if (name === 'invalid_idempotent_request') return 'idempotency-conflict';
  if (name === 'concurrent_idempotent_requests') return 'idempotency-in-progress';
  const c = classifyError(error);
  // Before the names: a 401 or 403 refuses the account (its key, its sender configuration: Resend's
  // 403 `validation_error` "The <domain> domain is not verified"), never the message, whatever the
  // error is called. Another provider may take it; with none, it is retried, never closed.
  if (c.status === 401 || c.status === 403) return 'unavailable';
  if (typeof name === 'string' && THROTTLING_NAMES.has(name)) return 'throttled';
  if (typeof name === 'string' && REJECTING_NAMES.has(name)) return 'rejected';
  if (c.status === 429) return 'throttled';
  // Only a refusal rejects the message: a 408 or 499 says nothing about it (unavailable, and then
  // outcome-unknown: the provider may have it).
  if (c.status !== undefined && c.status >= 400 && c.status < 500 && refusedByStatus(c.status)) return 'rejected';
  return 'unavailable';
}

/**
 * A provider refused or throttled the message, or may have taken it without saying so
 * (`outcome-unknown`); `fault` says which, `provider` who, `skipped` the providers tried before it
 * and found unavailable by an answer that says they did not take it (a provider whose outcome is
 * unknown ends the chain, so none of these has the message). `all-unavailable`: every provider
 * answered so, or was not called (an open breaker): nothing was sent.
 */
export class ProviderSendError extends Error {
  override name = 'ProviderSendError';
  readonly skipped: readonly ProviderName[];
  /**
   * `provider` may have the message, whatever this error says: an earlier call to it in this
   * attempt got no answer (a provider that dedupes is retried after one), or its answer says it
   * holds a request under the email's idempotency key (`idempotency-in-progress`,
   * `idempotency-conflict`), or the outcome is unknown. The sender then never lets a retry start
   * the chain again at once (send-email.ts: held for the Send event).
   */
  readonly uncertain: boolean;
  constructor(
    readonly fault: Exclude<ProviderFault, 'unavailable'> | 'all-unavailable' | 'outcome-unknown',
    readonly provider: ProviderName | undefined,
    message: string,
    options?: ErrorOptions & { readonly skipped?: readonly ProviderName[]; readonly uncertain?: boolean },
  ) {
    super(message, options);
    this.skipped = options?.skipped ?? [];
    this.uncertain = options?.uncertain ?? false;
  }
}

export interface ChainLink {
  readonly provider: EmailProvider;
  readonly breaker: CircuitBreaker;
  /** Retries of transient faults on this provider before failing over (throttling never retries here). */
  readonly retry?: RetryOptions;
}

export interface Accepted {
  readonly provider: ProviderName;
  readonly providerMessageId: string;
  /** True when a provider before this one was unavailable. */
  readonly fallbackUsed: boolean;
  /** Providers tried and found unavailable, or not called (an open breaker, `skip`), in order. */
  readonly skipped: readonly ProviderName[];
}

/** How a send goes through the chain. */
export interface FailoverOptions {
  /**
   * A provider not to call, as if its breaker were open (SES once its daily quota is spent:
   * send-email.ts): skipped, and the next provider sends.
   */
  readonly skip?: ProviderName;
}

/**
 * Sends `email` through the first provider of `chain` that accepts it. A provider is failed over
 * only when it answered that it did not take the message (or was not called: an open breaker,
 * `options.skip`); one whose outcome is unknown ends the chain (`outcome-unknown`), and is retried on
 * its own link only if it dedupes on the email's idempotency key.
 * @throws ProviderSendError `throttled`, `rejected`, `idempotency-conflict`,
 * `idempotency-in-progress` or `outcome-unknown` (no failover), or `all-unavailable`
 */
export async function sendWithFailover(
  chain: readonly ChainLink[],
  email: OutgoingEmail,
  options: FailoverOptions = {},
): Promise<Accepted> {
  const skipped: ProviderName[] = [];
  let last: unknown;
  for (const link of chain) {
    const name = link.provider.name;
    if (name === options.skip) {
      skipped.push(name);
      continue;
    }
    // A call to this provider got no answer and was retried (only on a provider that dedupes).
    let unanswered = false;
    try {
      const { providerMessageId } = await link.breaker.execute(() =>
        retry((_attempt, signal) => link.provider.send(email, signal), {
          retries: 0,
          ...link.retry,
          isRetryable: (error, c) =>
            c.retryable &&
            classifyProviderError(error) === 'unavailable' &&
            (dedupesOnIdempotencyKey(name) || !outcomeUnknown(error)),
          onRetry: (info) => {
            if (outcomeUnknown(info.error)) unanswered = true;
            link.retry?.onRetry?.(info);
          },
        }),
      );
      return { provider: name, providerMessageId, fallbackUsed: skipped.length > 0, skipped };
    } catch (error) {
      const fault = classifyProviderError(error);
      if (fault !== 'unavailable') {
        throw new ProviderSendError(fault, name, `${name}: ${fault}`, {
          cause: error,
          skipped: [...skipped],
          // A 409 about this key says the provider has (or had) a request under it.
          uncertain: unanswered || fault === 'idempotency-in-progress' || fault === 'idempotency-conflict',
        });
      }
      if (unanswered || outcomeUnknown(error)) {
        throw new ProviderSendError(
          'outcome-unknown',
          name,
          `${name}: no answer; it may have taken the message, so no other provider is tried`,
          { cause: error, skipped: [...skipped], uncertain: true },
        );
      }
      skipped.push(name);
      last = error;
    }
  }
  throw new ProviderSendError(
    'all-unavailable',
    undefined,
    `No provider could take the message (${skipped.join(', ')})`,
    { cause: last, skipped: [...skipped] },
  );
}

/** A breaker for an email provider: only `unavailable` faults count against it (throttling and rejected messages don't). */
export function providerBreaker(name: ProviderName, options: ConstructorParameters<typeof CircuitBreaker>[1] = {}) {
  return new CircuitBreaker(name, { ...options, countsAsFailure: (e) => classifyProviderError(e) === 'unavailable' });
}
