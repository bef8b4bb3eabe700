// Review round 16: this test failed at 5bc3520.
/**
 * DEFECT (MEDIUM): the send path ignored the contact's CRM status. A contact whose status is
 * `unsubscribed` (an opt-out imported from another CRM, with no suppression record) was mailed a
 * one-off marketing send, and a broadcast page fanned out before the status was set still mailed it:
 * sendEmail applied `blockingSuppression(reasons)` only, not the one rule `mailBlockFor(contact,
 * reasons, ...)` that campaign audiences, the campaign step and broadcast pages ask.
 * CORRECT: the last check before the provider applies `mailBlockFor` with the contact's current
 * status: a marketing send to it is closed `suppressed: unsubscribe`, exactly as a send to an
 * unsubscribed address; transactional mail still goes. The status is read only where it can stop
 * the mail (marketing, a known contact), campaign sends included (r16x-campaign-mail-after-status-optout).
 */
import { describe, expect, it } from 'vitest';
import type { SuppressionLookup } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { sendWorld } from './send-fixture';

const WS = 'ws-1';

function world(statuses: Record<string, string>, suppressed: Record<string, SuppressionReason[]> = {}) {
  const statusReads: string[] = [];
  const suppressions: SuppressionLookup = { reasonsFor: async (_ws, email) => suppressed[email] ?? [] };
  const { deps, outbox, ledger } = sendWorld({
    suppressions,
    contactStatusOf: async (_ws, contactId) => {
      statusReads.push(contactId);
      // The live contact as the sender reads it (r19d: with its address; none when deleted).
      const status = statuses[contactId];
      return status === undefined ? undefined : { status, email: 'ada@example.com' };
    },
    contactIdOf: async (_ws, email) => (email === 'ada@example.com' ? 'c-ada' : undefined),
  });
  return { deps, outbox, statusReads, ledger };
}

const request = (over: Partial<SendRequest> = {}): SendRequest => ({
  workspaceId: WS,
  idempotencyKey: `api#generated#${Math.random()}`,
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Offer', html: '<p>Buy</p>' },
  context: { contact: { email: 'ada@example.com' }, workspace: { name: 'Acme' } },
  ...over,
});

describe('a marketing send to a contact whose CRM status is unsubscribed', () => {
  it('is closed as a send to an unsubscribed address is, nothing mailed (named contact)', async () => {
    const w = world({ 'c-ada': 'unsubscribed' }, { 'gone@example.com': ['unsubscribe'] });
    const sent = request({ contactId: 'c-ada' });

    const outcome = await sendEmail(sent, w.deps);
    // The reference: an address with an unsubscribe suppression, no contact.
    const suppressed = await sendEmail(request({ to: 'gone@example.com' }), w.deps);

    expect(outcome, 'a marketing email went out to a contact whose status is unsubscribed').toEqual(suppressed);
    expect(outcome).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(w.outbox).toEqual([]);
    expect(w.ledger.record(WS, sent.idempotencyKey)).toMatchObject({
      state: 'closed',
      reason: 'suppressed: unsubscribe',
    });
    // Closed for good: a redelivery of the message sends nothing either.
    expect(await sendEmail(sent, w.deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
  });

  it('is closed when the contact is found by address (a send that names none)', async () => {
    const w = world({ 'c-ada': 'unsubscribed' });
    expect(await sendEmail(request(), w.deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(w.outbox).toEqual([]);
    expect(w.statusReads).toEqual(['c-ada']);
  });

  it('goes out when the status is any other', async () => {
    const w = world({ 'c-ada': 'customer' });
    expect((await sendEmail(request({ contactId: 'c-ada' }), w.deps)).status).toBe('sent');
    expect(w.outbox).toHaveLength(1);
  });

  it('lets a transactional send go: its status stops nothing', async () => {
    const w = world({ 'c-ada': 'unsubscribed' });
    const outcome = await sendEmail(request({ contactId: 'c-ada', category: 'transactional' }), w.deps);
    expect(outcome.status).toBe('sent');
    // Since r19d the contact a send names is read for any category (live? still at this address?).
    expect(w.statusReads).toEqual(['c-ada']);
  });

  it('reads the status for a campaign send too (a queued mail can outlive its step check)', async () => {
    const w = world({ 'c-ada': 'customer' });
    const outcome = await sendEmail(request({ contactId: 'c-ada', campaignId: 'camp-1', nodeId: 'n1' }), w.deps);
    expect(outcome.status).toBe('sent');
    expect(w.statusReads).toEqual(['c-ada']);
  });
});
