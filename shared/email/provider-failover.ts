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
 * A provider refused or throttled the message; `fault` says which, `provider` who, `skipped` the
 * providers tried before it and found unavailable (one of which may have taken the message: a
 * network error after the request left says nothing about whether it was accepted).
 */
export class ProviderSendError extends Error {
  override name = 'ProviderSendError';
  readonly skipped: readonly ProviderName[];
  constructor(
    readonly fault: Exclude<ProviderFault, 'unavailable'> | 'all-unavailable',
    readonly provider: ProviderName | undefined,
    message: string,
    options?: ErrorOptions & { readonly skipped?: readonly ProviderName[] },
  ) {
    super(message, options);
    this.skipped = options?.skipped ?? [];
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
 * Sends `email` through the first provider of `chain` that accepts it.
 * @throws ProviderSendError `throttled`, `rejected`, `idempotency-conflict` or
 * `idempotency-in-progress` (no failover), or `all-unavailable`
 */
export async function sendWithFailover(chain: readonly ChainLink[], email: OutgoingEmail): Promise<Accepted> {
  const skipped: ProviderName[] = [];
  let last: unknown;
  for (const link of chain) {
    try {
      const { providerMessageId } = await link.breaker.execute(() =>
        retry((_attempt, signal) => link.provider.send(email, signal), {
          retries: 0,
          ...link.retry,
          isRetryable: (error, c) => c.retryable && classifyProviderError(error) === 'unavailable',
        }),
      );
      return { provider: link.provider.name, providerMessageId, fallbackUsed: skipped.length > 0, skipped };
    } catch (error) {
      const fault = classifyProviderError(error);
      if (fault !== 'unavailable') {
        throw new ProviderSendError(fault, link.provider.name, `${link.provider.name}: ${fault}`, {
          cause: error,
          skipped: [...skipped],
        });
      }
      skipped.push(link.provider.name);
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
