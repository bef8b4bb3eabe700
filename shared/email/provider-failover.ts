/**
 * Sending through a chain of providers (SES v2 -> Resend -> SMTP). What a provider's error
 * means decides what happens next:
 * - `throttled` (HTTP 429, SES `TooManyRequestsException`/`Throttling`): the provider is
 *   fine, we are too fast. No failover (the next provider would be hammered too); the
 *   message goes back to the queue to be paced and retried on the same chain.
 * - `rejected` (4xx other than throttling, SES `MessageRejected`, invalid address): the
 *   message itself is refused; another provider would refuse or misdeliver it too. No failover.
 * - `unavailable` (5xx, network, timeouts, an open breaker, account-level pauses): try the
 *   next provider.
 * - `idempotency-conflict` (Resend 409 `invalid_idempotent_request`): Resend already holds a
 *   request under this send's idempotency key, with another payload. The earlier request may well
 *   have been accepted and delivered (that is when a retry happens: an attempt died after the
 *   provider's answer), so this is never `rejected` and never a failover (either would record a
 *   delivered mail as refused or send it a second time). The sender closes the send with a reason
 *   that says it may have been delivered (send-email.ts).
 * - `idempotency-in-progress` (Resend 409 `concurrent_idempotent_requests`): a request under this
 *   key is still being processed: retry later, on the same chain.
 * - `outcome-unknown`: an `unavailable` fault without an answer that says the provider did not take
 *   the message (a network error or a timeout after the request left, a 504, an error of no known
 *   shape; {@link outcomeUnknown}). The provider may have accepted it, so another call could send a
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

/** SES error names that mean the message (not the service) is at fault. */
const REJECTING_NAMES = new Set([
  'MessageRejected',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
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
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** nodemailer codes raised before the message was handed to the relay (DNS, login, envelope). */
const SMTP_BEFORE_MESSAGE = new Set(['EDNS', 'EAUTH', 'ENOAUTH', 'EENVELOPE']);

/**
 * Whether a failed provider call leaves it unknown if the provider took the message: true unless
 * an answer says it did not (an HTTP status other than 504, an SMTP reply code), the call never ran
 * (an open breaker), or the connection never opened. A timeout, a reset connection, an abort, a
 * 504 (a gateway that gave up waiting on the service) or an error of no known shape: unknown.
 * SMTP errors (`SmtpSendError`) carry a 503 for network failures too: for them the relay's reply
 * code is the answer. Retries that ran out are judged by their last error (the earlier ones were
 * retried, which {@link sendWithFailover} allows only for answers or on a provider that dedupes).
 */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return false;
  if (error instanceof RetryExhaustedError) return outcomeUnknown(error.cause);
  const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; cause?: unknown } | undefined;
  if (e?.name === 'SmtpSendError') {
    return e.responseCode === undefined && !(typeof e.code === 'string' && SMTP_BEFORE_MESSAGE.has(e.code));
  }
  const { status } = classifyError(error);
  if (status !== undefined) return status === 504;
  for (let link: unknown = error, depth = 0; link && depth < 5; link = (link as { cause?: unknown }).cause, depth++) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return false;
  }
  return true;
}

/** What a provider error means for this message. */
export function classifyProviderError(error: unknown): ProviderFault {
  if (error instanceof CircuitOpenError) return 'unavailable';
  if (error instanceof RetryExhaustedError) return classifyProviderError(error.cause);
  const name = (error as { name?: unknown })?.name;
  // Before the status: both are 409s, which would otherwise read as a rejected message.
  if (name === 'invalid_idempotent_request') return 'idempotency-conflict';
  if (name === 'concurrent_idempotent_requests') return 'idempotency-in-progress';
  if (typeof name === 'string' && THROTTLING_NAMES.has(name)) return 'throttled';
  if (typeof name === 'string' && REJECTING_NAMES.has(name)) return 'rejected';
  const c = classifyError(error);
  if (c.status === 429) return 'throttled';
  if (c.status !== undefined && c.status >= 400 && c.status < 500 && c.status !== 408) {
    // Credentials or a suspended account are the provider's trouble, not the message's.
    return c.status === 401 || c.status === 403 ? 'unavailable' : 'rejected';
  }
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
   * An earlier call to `provider` in this attempt got no answer (a provider that dedupes is retried
   * after one): it may have the message, though this error says otherwise.
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
  /** Providers tried and found unavailable, in order. */
  readonly skipped: readonly ProviderName[];
}

/**
 * Sends `email` through the first provider of `chain` that accepts it. A provider is failed over
 * only when it answered that it did not take the message (or was not called); one whose outcome is
 * unknown ends the chain (`outcome-unknown`), and is retried on its own link only if it dedupes on
 * the email's idempotency key.
 * @throws ProviderSendError `throttled`, `rejected`, `idempotency-conflict`,
 * `idempotency-in-progress` or `outcome-unknown` (no failover), or `all-unavailable`
 */
export async function sendWithFailover(chain: readonly ChainLink[], email: OutgoingEmail): Promise<Accepted> {
  const skipped: ProviderName[] = [];
  let last: unknown;
  for (const link of chain) {
    const name = link.provider.name;
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
          uncertain: unanswered,
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
