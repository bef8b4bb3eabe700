/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (LOW-MEDIUM): when the sending-gate read or the pacer throws (a DynamoDB throttle on the one
 * hot pace item, a network error), `sendEmail` leaves its ledger claim held. The queue's retry then
 * finds the send `in-flight`, and once the lease runs out it is held again for the grace "waiting
 * for the provider's Send event" that can never come, as nothing was sent: the mail is delayed by
 * lease + grace (5 min + 60 s by default) instead of the visibility timeout, for every message of
 * the batch that hit the failure.
 *
 * Where: shared/email/send-email.ts `sendEmail`: the claim is released on a failure of the
 * recipient lookup / suppression read (the try around `recipientOf`/`reasonsFor`, line 128) and
 * of rendering (line 151), but `await deps.gate.pausedReason(workspaceId)` (line 145) and
 * `await deps.pacer.take(deps.now())` (line 158) are outside any try: their exception escapes with
 * the claim still `claimed`. docs/EMAIL.md promises "If the lookup or the suppression read fails,
 * the claim is released before the error goes to the queue's retry"; the same reasoning applies to
 * every step before the provider call.
 *
 * Fix: wrap everything between the claim and the provider call in one try that releases the
 * claim (`deps.ledger.release(workspaceId, key, claimId)`) before rethrowing.
 */
import { describe, expect, it } from 'vitest';
import type { EmailProvider } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'campaign#e1#n1#v1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Hi', html: '<p>Hello</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

function setup(over: Partial<SendDeps>) {
  const sent: string[] = [];
  const ses: EmailProvider = {
    name: 'ses',
    send: async (email) => {
      sent.push(email.to);
      return { providerMessageId: `ses-${sent.length}` };
    },
  };
  const ledger = new MemorySendLedger();
  let now = 1_000_000;
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [{ provider: ses, breaker: providerBreaker('ses') }],
    now: () => now,
    leaseMs: 300_000,
    claimGraceMs: 60_000,
    ...over,
  };
  return { deps, ledger, sent, advance: (ms: number) => (now += ms) };
}

describe('a failure before the provider call gives the claim back', () => {
  it('the pacer throwing: the queue retry (30 s later) sends, instead of waiting out lease + grace', async () => {
    let fail = true;
    const { deps, ledger, sent, advance } = setup({
      pacer: {
        take: async () => {
          if (fail)
            throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' });
          return { granted: true, waitMs: 0 };
        },
      },
    });
    await expect(sendEmail(request, deps)).rejects.toThrow(/capacity/);
    // Nothing was sent, so nothing may hold the send.
    expect(ledger.record('ws-1', request.idempotencyKey)?.state).not.toBe('claimed');
    fail = false;
    advance(30_000); // the SQS visibility timeout's redelivery
    const retry = await sendEmail(request, deps);
    expect(retry.status).toBe('sent');
    expect(sent).toEqual(['ada@example.com']);
  });

  it('the sending-gate read throwing: the claim is released too', async () => {
    const { deps, ledger } = setup({
      gate: {
        pausedReason: async () => {
          throw new Error('socket hang up');
        },
      },
    });
    await expect(sendEmail(request, deps)).rejects.toThrow(/hang up/);
    expect(ledger.record('ws-1', request.idempotencyKey)?.state).not.toBe('claimed');
  });
});
