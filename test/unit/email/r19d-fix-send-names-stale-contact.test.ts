// Review round 19: this test failed at d10baec.
/**
 * A queued send names its contact (broadcast pages, campaign mail, a template send to a contactId),
 * and can wait long before the sender takes it. The sender read only the contact's CRM status, so a
 * contact deleted meanwhile was mailed, and one whose address changed was mailed at the old address
 * with its own data. Now the contact's item (live? current address?) is read with the status, for
 * every send naming a contact whatever its category, and such a send is closed without mail.
 */
import { describe, expect, it } from 'vitest';
import { type ContactAtSend, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { sendWorld } from './send-fixture';

const WS = 'ws-1';

function world(contacts: Record<string, ContactAtSend | undefined>) {
  const reads: string[] = [];
  const { deps, outbox, ledger } = sendWorld({
    contactStatusOf: async (_ws, contactId) => {
      reads.push(contactId);
      return contacts[contactId];
    },
    contactIdOf: async (_ws, email) => (email === 'ada@example.com' ? 'c-ada' : undefined),
  });
  return { deps, outbox, reads, ledger };
}

const request = (over: Partial<SendRequest> = {}): SendRequest => ({
  workspaceId: WS,
  idempotencyKey: `k-${Math.random()}`,
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  contactId: 'c-ada',
  content: { subject: 'Offer', html: '<p>Hi {{ contact.firstName }}</p>' },
  context: { contact: { email: 'ada@example.com', firstName: 'Ada' }, workspace: { name: 'Acme' } },
  ...over,
});

describe('a send naming a contact that is no longer the recipient', () => {
  it.each(['marketing', 'transactional'] as const)(
    'is closed when the contact is deleted or gone (%s)',
    async (category) => {
      const w = world({ 'c-ada': undefined });
      const sent = request({ category });
      const outcome = await sendEmail(sent, w.deps);
      expect(outcome).toEqual({ status: 'not-sent', reason: expect.stringMatching(/^contact gone: /) });
      expect(w.outbox).toEqual([]);
      expect(w.ledger.record(WS, sent.idempotencyKey)).toMatchObject({ state: 'closed' });
      // Closed for good: a redelivery sends nothing either.
      expect((await sendEmail(sent, w.deps)).status).toBe('not-sent');
      expect(w.outbox).toEqual([]);
    },
  );

  it.each(['marketing', 'transactional'] as const)(
    'is closed when the contact moved to another address (%s)',
    async (category) => {
      const w = world({ 'c-ada': { status: 'lead', email: 'ada@new.example' } });
      const outcome = await sendEmail(request({ category, campaignId: 'camp-1', nodeId: 'mail' }), w.deps);
      expect(outcome).toEqual({ status: 'not-sent', reason: expect.stringMatching(/^contact moved: /) });
      expect(w.outbox).toEqual([]);
    },
  );

  it('goes out when the contact still holds the address (compared canonically)', async () => {
    const w = world({ 'c-ada': { status: 'lead', email: ' Ada@Example.COM ' } });
    expect((await sendEmail(request({ category: 'transactional' }), w.deps)).status).toBe('sent');
    expect(w.outbox.map((m) => m.to)).toEqual(['ada@example.com']);
    expect(w.reads).toEqual(['c-ada']);
  });

  it('still closes a marketing send to a live contact whose status is unsubscribed as a suppression', async () => {
    const w = world({ 'c-ada': { status: 'unsubscribed', email: 'ada@example.com' } });
    expect(await sendEmail(request(), w.deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
  });

  it('judges a send by address by its address (the contact found by it is the recipient)', async () => {
    const w = world({ 'c-ada': { status: 'lead', email: 'ada@example.com' } });
    const { contactId: _none, ...byAddress } = request();
    expect((await sendEmail(byAddress, w.deps)).status).toBe('sent');
    // A transactional send by address reads no contact at all.
    const { contactId: _also, ...receipt } = request({ category: 'transactional' });
    expect((await sendEmail(receipt, w.deps)).status).toBe('sent');
    expect(w.reads).toEqual(['c-ada']);
  });
});
