/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (MEDIUM): Resend's Idempotency-Key cannot work for a tracked send, and its refusal closes a
 * DELIVERED mail as "rejected by resend".
 *
 * Where: shared/email/send-email.ts `sendEmail` re-renders and re-instruments the HTML on every
 * attempt (`tracked()` -> shared/email/tracking.ts `instrumentHtml`, whose tokens are sealed with a
 * random IV and `issuedAtMs: deps.now()`, shared/email/tracking-token.ts `sealTrackingToken`), so two
 * attempts of one ledger key send the same `idempotencyKey` (`<workspace>:<key>`) with a different
 * body. Resend (and the local stand-in, lib/local/emulators/resend-server.ts:134-141) answers that
 * with 409 `invalid_idempotent_request`; shared/adapters/resend-email.ts keeps status 409 and
 * shared/email/provider-failover.ts `classifyProviderError` maps any non-429 4xx to `rejected`, so
 * `sendEmail` CLOSES the ledger record ("rejected by resend") although Resend accepted and
 * delivered the first copy. docs/EMAIL.md ("Resend answers a repeat within 24 h with the first
 * email's id instead of sending again") holds only for untracked sends: every marketing send is
 * tracked. The case is the one the key exists for: an attempt whose sender died after Resend's
 * answer (before markSent), taken over after lease + grace.
 *
 * Fix: make a send's body a function of its ledger key (seal the tokens with an IV derived from
 * key + link, and `issuedAtMs` from the claim's first time, or keep the first rendered body on the
 * ledger record), and treat Resend's `invalid_idempotent_request` / `concurrent_idempotent_requests`
 * as "already accepted/in progress" (retry later, never `rejected`).
 */
import { describe, expect, it } from 'vitest';
import { resendError } from '../../../shared/adapters/resend-email';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

/** Resend's idempotency, as documented and as the stand-in does it. */
function resendLike() {
  const byKey = new Map<string, { id: string; body: string }>();
  const delivered: string[] = [];
  const provider: EmailProvider = {
    name: 'resend',
    async send(email: OutgoingEmail & { idempotencyKey?: string }) {
      const body = JSON.stringify({ ...email, idempotencyKey: undefined });
      const key = email.idempotencyKey;
      const earlier = key ? byKey.get(key) : undefined;
      if (earlier) {
        if (earlier.body !== body) {
          throw resendError({
            name: 'invalid_idempotent_request',
            statusCode: 409,
            message: 'Same idempotency key used with a different request payload.',
          });
        }
        return { providerMessageId: earlier.id };
      }
      const id = `re_${delivered.length + 1}`;
      delivered.push(email.to);
      if (key) byKey.set(key, { id, body });
      return { providerMessageId: id };
    },
  };
  return { provider, delivered };
}

const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'broadcast#b1#c1',
  sendId: 'send-1',
  contactId: 'c1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'News', html: '<p>Read <a href="https://acme.test/post">the post</a></p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

describe('a tracked send retried through Resend after its sender died', () => {
  it('is recognised as the mail Resend already accepted, not closed as rejected', async () => {
    const resend = resendLike();
    const ledger = new MemorySendLedger();
    let now = 1_000_000;
    let dieBeforeMarkSent = true;
    const deps: SendDeps = {
      ledger: {
        claim: (ws, key, nowMs, leaseMs, graceMs) => ledger.claim(ws, key, nowMs, leaseMs, graceMs),
        release: (ws, key) => ledger.release(ws, key),
        close: (ws, key, reason) => ledger.close(ws, key, reason),
        stateOf: (ws, key) => ledger.stateOf(ws, key),
        markSent: async (ws, key, accepted) => {
          // The sender dies between Resend's answer and recording it.
          if (dieBeforeMarkSent) throw new Error('Lambda timed out');
          return ledger.markSent(ws, key, accepted);
        },
      },
      suppressions: { reasonsFor: async () => [] },
      gate: { pausedReason: async () => undefined },
      pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
      chain: [{ provider: resend.provider, breaker: providerBreaker('resend') }],
      now: () => now,
      leaseMs: 300_000,
      claimGraceMs: 60_000,
      tracking: { baseUrl: 'https://app.example', key: Buffer.alloc(32, 7) },
    };

    await expect(sendEmail(request, deps)).rejects.toThrow(/timed out/);
    expect(resend.delivered).toEqual(['ada@example.com']);
    dieBeforeMarkSent = false;

    // The redelivery after the lease finds it stale and waits the grace for a Send event...
    now += 300_000;
    expect((await sendEmail(request, deps)).status).toBe('retry');
    // ...none came (no Resend webhook yet): the send is taken over and goes to Resend again.
    now += 60_000;
    const outcome = await sendEmail(request, deps);

    expect(resend.delivered).toEqual(['ada@example.com']); // Resend did not send twice...
    // ...and the ledger must say so: the mail went out as re_1. Today: not-sent, "rejected by resend".
    expect(outcome).toMatchObject({ status: 'sent', providerMessageId: 're_1' });
    expect(ledger.record('ws-1', request.idempotencyKey)?.state).toBe('sent');
  });
});
