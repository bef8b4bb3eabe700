/**
 * Review round 13: this test failed at f87176e (Resend got no answer, its retry answered 409
 * concurrent_idempotent_requests or 429: the claim was released, the next attempt went to SES,
 * back from its 503s, and sent a second copy while Resend had the first).
 *
 * HIGH, shared/email/send-email.ts: sendEmail, the `idempotency-in-progress` and `throttled`
 * (with `failure.uncertain`) branches.
 *
 * FAULT: SES answers 503 (skipped, an answer), the call to Resend gets no answer (it may have the
 * message) and is retried on Resend, which answers 409 `concurrent_idempotent_requests` (our first
 * request IS being processed: Resend has it) or 429. sendEmail then RELEASES the claim (retry in
 * 5 s / 1 s) instead of holding it. The next attempt claims the released record at once and starts
 * the chain again at SES; SES is back (a 503 is transient) and sends a second copy. Resend's
 * idempotency key protects only a repeat on Resend; the hold for the Send event (item 7 of
 * "Exactly once") is skipped exactly where a provider may have taken the message.
 *
 * FIX: treat `idempotency-in-progress`, and `throttled` with `failure.uncertain`, like
 * `outcome-unknown`: `return awaitingAck(...)` (hold for the Send event; the ledger's
 * acknowledgeSent then makes the retry a duplicate), or pin the retry to the same provider.
 */
import { describe, expect, it } from 'vitest';
import { type SendOutcome, sendEmail } from '../../../shared/email/send-email';
import { type Behaviour, GRACE, request, setup } from './failover-fakes';

/** Resend's `email.sent` webhook (through email-events) arrives this long after the first attempt: within the grace. */
const WEBHOOK_AFTER_MS = 10_000;

describe('Resend may have the message, then the next attempt goes to SES', () => {
  it.each<[string, Behaviour]>([
    ['409 concurrent_idempotent_requests', 'in-progress-409'],
    ['429 rate_limit_exceeded', 'throttle-429'],
  ])('Resend no answer, its retry answered %s: one copy in all', async (_what, second) => {
    const t = setup(
      [
        ['ses', ['fail-503', 'fail-503', 'fail-503']], // then accepts: SES is back
        ['resend', ['accept-lose-answer', second]],
      ],
      { retries: 2 },
    );
    const start = t.now();
    let acked = false;
    let outcome: SendOutcome = await sendEmail(request, t.deps);
    // The queue redelivers when the sender asked; Resend's Send event lands within the grace.
    for (let i = 0; i < 5 && outcome.status === 'retry'; i++) {
      const next = t.now() + outcome.retryAfterMs;
      if (!acked && next >= start + WEBHOOK_AFTER_MS) {
        t.advance(start + WEBHOOK_AFTER_MS - t.now());
        const resendCopy = t.copies.find((c) => c.provider === 'resend');
        if (resendCopy) {
          await t.ledger.acknowledgeSent('ws-1', request.idempotencyKey, {
            provider: 'resend',
            providerMessageId: resendCopy.id,
            atMs: t.now(),
          });
        }
        acked = true;
      }
      t.advance(next - t.now());
      outcome = await sendEmail(request, t.deps);
    }
    expect(t.now() - start).toBeLessThanOrEqual(2 * GRACE + 10_000);
    // At f87176e: ['resend', 'ses']: Resend took the unanswered request, the retry 5 s (1 s) later went to SES.
    expect(t.copies.map((c) => c.provider)).toHaveLength(1);
  });
});
