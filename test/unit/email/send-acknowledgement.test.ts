/**
 * The provider's Send event as an acknowledgement of the send it names (`ledger` tag): a record
 * its sender left `claimed` is marked sent by the event, the sender's own markSent after the event
 * is a success counted once, a replayed event changes nothing, and a redelivery after the lease
 * finds the send sent instead of mailing again. Use cases over an in-memory ledger with the
 * adapter's rules (test/support/memory-send-ledger.ts; the adapter: test/integration/email-send-ack.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { sesEventsOf } from '../../../lib/local/emulators/ses-events';
import { LEDGER_TAG, ledgerKeyOfTag, ledgerTagOf } from '../../../shared/email/ledger-tag';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import { type EmailEvent, parseProviderEvent } from '../../../shared/email/provider-events';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { claimGraceMsFor, type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const LEASE = 60_000;
const T0 = Date.parse('2026-12-04T10:00:00Z');

const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'campaign#c1#k1#1#welcome#2',
  category: 'transactional',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Hi', html: '<p>Hi</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
  tags: { workspace: 'ws-1', send: 'send-1' },
};

const unused = () => {
  throw new Error('not used by a sent event');
};

/** The events SES publishes for `email`, as the email-events consumer parses them (Send first). */
function sendEventsOf(email: OutgoingEmail, messageId: string, atMs: number): EmailEvent[] {
  const [sent] = sesEventsOf({
    messageId,
    from: email.from,
    to: [email.to],
    subject: email.subject,
    tags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
    atMs,
  });
  const parsed = parseProviderEvent({
    id: `evt-${messageId}`,
    'detail-type': sent?.detailType ?? '',
    source: 'aws.ses',
    time: new Date(atMs).toISOString(),
    detail: sent?.detail ?? {},
  });
  if (parsed.status !== 'events') throw new Error(parsed.reason);
  return [...parsed.events];
}

function setup() {
  let clock = T0;
  const ledger = new MemorySendLedger();
  const outbox: Array<{ email: OutgoingEmail; messageId: string }> = [];
  /** What a provider accepted and the consumer has not processed yet. */
  const pendingEvents: EmailEvent[] = [];
  const eventDeps = {
    ledger,
    sends: { markDelivery: unused },
    suppressions: { suppress: unused, suppressContact: unused },
    softBounces: { record: unused },
    timeline: { record: unused },
    reputation: { countOnce: unused, counts: unused },
    guard: { state: unused, pauseOnce: unused, raiseOnce: unused },
    thresholds: {} as ProcessEventDeps['thresholds'],
    now: () => clock,
  } satisfies ProcessEventDeps;
  const ses: EmailProvider & { onAccepted?: () => Promise<void> } = {
    name: 'ses',
    async send(email) {
      const messageId = `ses-${outbox.length + 1}`;
      outbox.push({ email, messageId });
      pendingEvents.push(...sendEventsOf(email, messageId, clock));
      await ses.onAccepted?.();
      return { providerMessageId: messageId };
    },
  };
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [{ provider: ses, breaker: providerBreaker('ses') }],
    now: () => clock,
    leaseMs: LEASE,
    claimGraceMs: claimGraceMsFor(LEASE),
  };
  const processEvents = async () => {
    const outcomes = [];
    for (const event of pendingEvents.splice(0)) outcomes.push(await processEmailEvent(event, eventDeps));
    return outcomes;
  };
  /** An attempt that dies once the provider accepted: claim, the provider call, no markSent. */
  const sendAndDie = async () => {
    const claim = await ledger.claim(request.workspaceId, request.idempotencyKey, clock, LEASE);
    expect(claim.status).toBe('claimed');
    await ses.send({
      from: request.from,
      to: request.to,
      subject: 'Hi',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: {},
      tags: { ...request.tags, [LEDGER_TAG]: ledgerTagOf(request.idempotencyKey) as string },
    });
  };
  const advance = (ms: number) => {
    clock += ms;
  };
  return { ledger, outbox, deps, ses, pendingEvents, processEvents, sendAndDie, advance };
}

describe('the ledger tag', () => {
  it('names every key the product forms, in the characters and length SES and Resend allow', () => {
    const keys = [
      'api#client#Order 42/ä?',
      `api#client#${'~'.repeat(128)}`,
      `api#generated#${'0'.repeat(32)}`,
      `broadcast#${'b'.repeat(36)}#${'c'.repeat(36)}`,
      `campaign#${'c'.repeat(36)}#${'k'.repeat(36)}#12#${'n'.repeat(40)}#9999`,
    ];
    for (const key of keys) {
      const tag = ledgerTagOf(key) as string;
      expect(tag).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(ledgerKeyOfTag(tag)).toBe(key);
    }
    expect(ledgerTagOf('k'.repeat(193))).toBeUndefined();
    expect(ledgerKeyOfTag('not base64!')).toBeUndefined();
    expect(ledgerKeyOfTag(undefined)).toBeUndefined();
  });

  it('is on every email the sender hands a provider, and comes back in the parsed Send event', async () => {
    const { deps, outbox } = setup();
    await sendEmail(request, deps);
    const events = sendEventsOf(outbox[0]?.email as OutgoingEmail, 'ses-1', T0);
    expect(events).toMatchObject([
      { type: 'sent', workspaceId: 'ws-1', sendId: 'send-1', ledgerKey: request.idempotencyKey },
    ]);
  });
});

describe('the Send event acknowledges its send', () => {
  it('marks a record its dead sender left claimed sent, counting the send once', async () => {
    // Prepare
    const { ledger, sendAndDie, processEvents } = setup();
    await sendAndDie();
    // Act
    const outcomes = await processEvents();
    // Assess
    expect(outcomes).toEqual([{ status: 'acknowledged', ledger: 'marked' }]);
    expect(ledger.record('ws-1', request.idempotencyKey)).toMatchObject({
      state: 'sent',
      provider: 'ses',
      providerMessageId: 'ses-1',
      markedBy: 'event',
    });
    expect(ledger.sentIn('ws-1', T0)).toBe(1);
  });

  it("lets the sender's markSent after the event succeed, without a second count", async () => {
    // Prepare: the Send event is processed while the provider call is still returning.
    const { ledger, deps, ses, processEvents, outbox } = setup();
    let acknowledged: unknown;
    ses.onAccepted = async () => {
      acknowledged = await processEvents();
    };
    // Act
    const outcome = await sendEmail(request, deps);
    // Assess
    expect(acknowledged).toEqual([{ status: 'acknowledged', ledger: 'marked' }]);
    expect(outcome).toMatchObject({ status: 'sent', provider: 'ses', providerMessageId: 'ses-1' });
    expect(ledger.sentIn('ws-1', T0)).toBe(1);
    expect(outbox).toHaveLength(1);
  });

  it('changes nothing when the record is already sent (the sender was first, or a replay)', async () => {
    // Prepare: sent and recorded by the sender; its Send event is still to come, twice.
    const { ledger, deps, pendingEvents, processEvents } = setup();
    await sendEmail(request, deps);
    pendingEvents.push(...pendingEvents);
    const before = structuredClone(ledger.record('ws-1', request.idempotencyKey));
    // Act
    const outcomes = await processEvents();
    // Assess
    expect(outcomes).toEqual([
      { status: 'acknowledged', ledger: 'unchanged' },
      { status: 'acknowledged', ledger: 'unchanged' },
    ]);
    expect(ledger.record('ws-1', request.idempotencyKey)).toEqual(before);
    expect(before).toMatchObject({ state: 'sent', markedBy: 'sender' });
    expect(ledger.sentIn('ws-1', T0)).toBe(1);
  });

  it('makes a redelivery after the lease find the send sent, and mail nothing', async () => {
    // Prepare: the attempt died after SES accepted; its Send event was processed.
    const { deps, outbox, sendAndDie, processEvents, advance } = setup();
    await sendAndDie();
    await processEvents();
    // Act
    advance(LEASE + claimGraceMsFor(LEASE) + 1);
    const redelivered = await sendEmail(request, deps);
    // Assess
    expect(redelivered).toEqual({ status: 'duplicate' });
    expect(outbox).toHaveLength(1);
  });

  it('holds an expired claim for the grace, so a late Send event still wins', async () => {
    // Prepare: the attempt died after SES accepted; its event is slow.
    const { deps, outbox, sendAndDie, processEvents, advance } = setup();
    await sendAndDie();
    advance(LEASE);
    // Act: the first redelivery after the lease finds it expired: held, not sent.
    const held = await sendEmail(request, deps);
    advance(claimGraceMsFor(LEASE) - 1);
    const stillHeld = await sendEmail(request, deps);
    await processEvents();
    advance(1);
    const after = await sendEmail(request, deps);
    // Assess
    expect(held).toMatchObject({ status: 'retry', retryAfterMs: claimGraceMsFor(LEASE) });
    expect(held.status === 'retry' && held.reason).toContain('Send event');
    expect(stillHeld).toMatchObject({ status: 'retry', retryAfterMs: 1 });
    expect(after).toEqual({ status: 'duplicate' });
    expect(outbox).toHaveLength(1);
  });

  it('sends after the grace when no Send event came (the dead attempt never reached the provider)', async () => {
    // Prepare: a claim left by an attempt that died before its provider call.
    const { ledger, deps, outbox, advance } = setup();
    await ledger.claim(request.workspaceId, request.idempotencyKey, T0, LEASE);
    advance(LEASE);
    // Act
    const held = await sendEmail(request, deps);
    advance(claimGraceMsFor(LEASE));
    const sent = await sendEmail(request, deps);
    // Assess
    expect(held.status).toBe('retry');
    expect(sent).toMatchObject({ status: 'sent' });
    expect(outbox).toHaveLength(1);
    expect(ledger.sentIn('ws-1', T0 + LEASE)).toBe(1);
  });
});
