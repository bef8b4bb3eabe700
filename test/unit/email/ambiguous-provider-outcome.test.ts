/**
 * Review round 11: this test failed at eab1d13 (SES taking a message whose answer was lost, a
 * socket reset after the request left, got more copies out: SES again from the link's own retries
 * and Resend at once by failover, 4 copies in one attempt; and with SES alone, the queue's retry
 * right after the release sent a second copy before SES's Send event could mark the send sent).
 *
 * FAULT: `sendEmail` released the claim on `all-unavailable` and on an unclassified error, and
 * `sendWithFailover` treated a network error or a timeout like a 5xx answer: retried on the same
 * link, then failed over. Resend dedupes on the send's idempotency key; SES and an SMTP relay do
 * not, so every one of those calls after an unanswered one could send another copy.
 *
 * Now: a failure without an answer that says the provider did not take the message (no status, a
 * timeout, a reset, a 504; an open breaker or a refused connection are answers) is
 * `outcome-unknown`: never retried on a provider without an idempotency key, never failed over,
 * and the claim is held for the grace awaiting the provider's Send event (the lease runs to
 * now + grace, `staleSinceMs` = now: the ledger's awaiting-ack state). The event marks it sent and
 * every later delivery is a duplicate; with no event within the grace, the next attempt sends
 * (at-least-once after the grace, docs/EMAIL.md "Exactly once").
 */
import { describe, expect, it } from 'vitest';
import { SmtpSendError } from '../../../shared/adapters/smtp-email';
import type { EmailProvider, OutgoingEmail, ProviderName } from '../../../shared/email/ports';
import {
  type ChainLink,
  outcomeUnknown,
  ProviderSendError,
  providerBreaker,
  sendWithFailover,
} from '../../../shared/email/provider-failover';
import { type SendDeps, sendEmail } from '../../../shared/email/send-email';
import { CircuitOpenError, RetryExhaustedError } from '../../../shared/resilience';
import { GRACE, HoldingLedger, LEASE, request, reset } from './failover-fakes';

const awsError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

type Behaviour = 'accept' | 'accept-lose-answer' | 'accept-then-odd-error' | 'fail-unanswered' | 'fail-503';

function setup(behaviours: Partial<Record<ProviderName, Behaviour[]>>, options: { retries?: number } = {}) {
  const copies: Array<{ provider: ProviderName; email: OutgoingEmail; id: string }> = [];
  const calls: ProviderName[] = [];
  const provider = (name: ProviderName, queue: Behaviour[]): EmailProvider => ({
    name,
    async send(email) {
      calls.push(name);
      const behaviour = queue.shift() ?? 'accept';
      if (behaviour === 'fail-503') throw awsError('ServiceUnavailable', 503);
      if (behaviour === 'fail-unanswered') throw reset();
      // Resend answers a repeat of a key it took with the first email's id, and sends nothing.
      const earlier = name === 'resend' ? copies.find((c) => c.provider === name) : undefined;
      const id = earlier?.id ?? `${name}-${copies.length + 1}`;
      if (!earlier) copies.push({ provider: name, email, id });
      if (behaviour === 'accept-lose-answer') throw reset();
      // An error of no shape the classifier knows, after the message was taken (an SDK bug, a parse failure).
      if (behaviour === 'accept-then-odd-error')
        throw new TypeError("Cannot read properties of undefined (reading 'MessageId')");
      return { providerMessageId: id };
    },
  });
  const chain: ChainLink[] = (Object.entries(behaviours) as Array<[ProviderName, Behaviour[]]>).map(([name, q]) => ({
    provider: provider(name, q),
    breaker: providerBreaker(name),
    ...(options.retries ? { retry: { retries: options.retries, baseMs: 1, capMs: 1 } } : {}),
  }));
  const ledger = new HoldingLedger();
  let now = 1_000_000;
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain,
    now: () => now,
    leaseMs: LEASE,
    claimGraceMs: GRACE,
  };
  return {
    deps,
    ledger,
    copies,
    calls,
    advance: (ms: number) => (now += ms),
    now: () => now,
    record: () => ledger.record('ws-1', request.idempotencyKey),
  };
}

describe('SES took the message and its answer was lost', () => {
  it('is neither retried on SES nor failed over to Resend in the same attempt', async () => {
    const lost: Behaviour[] = ['accept-lose-answer', 'accept-lose-answer', 'accept-lose-answer'];
    const t = setup({ ses: lost, resend: [] }, { retries: 2 });
    const outcome = await sendEmail(request, t.deps);
    expect(outcome).toMatchObject({ status: 'retry' });
    expect(t.calls).toEqual(['ses']);
    expect(t.copies).toHaveLength(1);
  });

  it("holds the claim for SES's Send event: a redelivery meanwhile waits, the event marks it sent, the retry is a duplicate", async () => {
    const t = setup({ ses: ['accept-lose-answer'] });
    const first = await sendEmail(request, t.deps);
    expect(first).toMatchObject({ status: 'retry', retryAfterMs: expect.any(Number) });
    const retryAfterMs = first.status === 'retry' ? first.retryAfterMs : 0;
    // Not before the grace has run: the Send event comes within seconds.
    expect(retryAfterMs).toBeGreaterThanOrEqual(GRACE);
    expect(t.record()).toMatchObject({ state: 'claimed', staleSinceMs: t.now(), leaseUntilMs: t.now() + GRACE });

    // A second copy of the queue message at once (SQS at-least-once): held, no provider call.
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry' });
    expect(t.calls).toEqual(['ses']);

    // SES's Send event, seconds later, names the record in its ledger tag.
    t.advance(3_000);
    const id = t.copies[0]?.id as string;
    expect(
      await t.ledger.acknowledgeSent('ws-1', request.idempotencyKey, {
        provider: 'ses',
        providerMessageId: id,
        atMs: t.now(),
      }),
    ).toBe('marked');

    t.advance(retryAfterMs);
    expect(await sendEmail(request, t.deps)).toEqual({ status: 'duplicate' });
    expect(t.copies).toHaveLength(1);
    expect(t.ledger.sentIn('ws-1', t.now())).toBe(1);
  });

  it('sends on the first attempt after the grace when no Send event came (at-least-once after the grace)', async () => {
    const t = setup({ ses: ['fail-unanswered', 'accept'] });
    const first = await sendEmail(request, t.deps);
    expect(first.status).toBe('retry');
    t.advance(GRACE - 1);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry' });
    expect(t.calls).toEqual(['ses']);
    t.advance(1);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent', provider: 'ses' });
    expect(t.copies).toHaveLength(1);
  });

  it('an error of no known shape after the call holds the claim too (it may have been sent)', async () => {
    const t = setup({ ses: ['accept-then-odd-error'], resend: [] });
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry' });
    expect(t.record()).toMatchObject({ state: 'claimed', staleSinceMs: t.now() });
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry' });
    expect(t.calls).toEqual(['ses']);
    expect(t.copies).toHaveLength(1);
  });
});

describe('failover is for answers that say the provider did not take the message', () => {
  it('a 503 from SES (an answer) still fails over to Resend at once', async () => {
    const t = setup({ ses: ['fail-503'], resend: [] });
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent', provider: 'resend', fallbackUsed: true });
    expect(t.copies.map((c) => c.provider)).toEqual(['resend']);
  });

  it('Resend without an answer is retried on Resend (its idempotency key dedupes), never failed over to SMTP', async () => {
    const t = setup({ resend: ['accept-lose-answer', 'accept'], smtp: [] }, { retries: 2 });
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent', provider: 'resend' });
    expect(t.calls).toEqual(['resend', 'resend']);
    expect(t.copies).toHaveLength(1);

    const u = setup({ resend: ['accept-lose-answer', 'fail-503'], smtp: [] }, { retries: 1 });
    const failed = await sendWithFailover(u.deps.chain, {
      ...request,
      ...request.content,
      text: '',
      headers: {},
      tags: {},
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderSendError);
    expect((failed as ProviderSendError).fault).toBe('outcome-unknown');
    expect(u.calls).toEqual(['resend', 'resend']);
  });
});

describe('outcomeUnknown', () => {
  it.each([
    ['a socket reset', reset(), true],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true],
    ['an error of no known shape', new Error('?'), true],
    ['a 504 (a gateway gave up waiting)', awsError('GatewayTimeout', 504), true],
    ['a 500 answer', awsError('InternalFailure', 500), false],
    ['a 503 answer', awsError('ServiceUnavailable', 503), false],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false],
    ['an open breaker', new CircuitOpenError('ses', 0), false],
    ['retries exhausted on 503s', new RetryExhaustedError(3, awsError('ServiceUnavailable', 503)), false],
    ['retries exhausted on a reset', new RetryExhaustedError(3, reset()), true],
    ['SMTP: the relay answered 421', new SmtpSendError({ responseCode: 421, response: '421 closing' }), false],
    ['SMTP: bad credentials', new SmtpSendError({ code: 'EAUTH' }), false],
    ['SMTP: the connection dropped', new SmtpSendError({ code: 'ECONNECTION' }), true],
    ['SMTP: a socket timeout', new SmtpSendError({ code: 'ETIMEDOUT' }), true],
  ])('%s: %s', (_what, error, unknown) => expect(outcomeUnknown(error)).toBe(unknown));
});
