/**
 * Review round 26 (c), fix: a soft-deleted contact's opt-outs still follow the address it holds.
 * The sender (send-email.ts) judges a marketing send by address by the person that holds the
 * address: the live contact, else the soft-deleted one that still holds the claim (`contactIdOf`
 * answers a `DeletedHolder`; functions/email-sender.ts `addressHolderOf`): its own opt-outs
 * (`CONTACTOPTOUT#<id>`) and its CRM status `unsubscribed` stop the mail, as they did while it was
 * live. It is never sealed into the links nor tagged (no entry lands on a deleted contact), its
 * status is the lookup's (no read of its own), and transactional mail still goes.
 * `addressHolderOf` (get-contact.ts): the live contact first, else the deleted one, from one lookup.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addressHolderOf, liveContactIdOf } from '../../../shared/crm/contacts/get-contact';
import type { Contact } from '../../../shared/crm/model';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { type DeletedHolder, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { openTrackingToken } from '../../../shared/email/tracking-token';
import { memoryOptOuts } from './memory-opt-outs';
import { sendWorld } from './send-fixture';

const WS = 'ws-1';
const key = randomBytes(32);
const tracking = { baseUrl: 'https://app.example.com', key };
let n = 0;
const request = (over: Partial<SendRequest> = {}): SendRequest => ({
  workspaceId: WS,
  idempotencyKey: `api#generated#${++n}`,
  sendId: `send-${n}`,
  category: 'marketing',
  from: 'news@acme.test',
  to: 'pat@example.com',
  content: { subject: 'Offer', html: '<p><a href="https://acme.test/x">Buy</a></p>' },
  context: { contact: { email: 'pat@example.com' }, workspace: { name: 'Acme' } },
  ...over,
});
const holder = (status = 'customer'): DeletedHolder => ({
  contactId: 'c-pat',
  deletedAt: '2026-12-01T00:00:00.000Z',
  status,
});

function world(found: string | DeletedHolder | undefined) {
  const optOuts = memoryOptOuts();
  const outbox: OutgoingEmail[] = [];
  const statusReads: string[] = [];
  const { deps } = sendWorld({
    outbox,
    suppressions: optOuts.store,
    tracking,
    contactIdOf: async () => found,
    contactStatusOf: async (_ws, id) => {
      statusReads.push(id);
      return { status: 'customer', email: 'pat@example.com' };
    },
  });
  return { deps, outbox, optOuts, statusReads };
}

describe('a marketing send by address to an address a soft-deleted contact still holds', () => {
  it('is closed when the deleted contact had CRM status unsubscribed (an imported opt-out)', async () => {
    const { deps, outbox, statusReads } = world(holder('unsubscribed'));
    expect(await sendEmail(request(), deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(outbox).toEqual([]);
    // Its status is the lookup's: no read of the contact's item of its own.
    expect(statusReads).toEqual([]);
  });

  it("is closed by the deleted contact's own opt-out (made under another address)", async () => {
    const { deps, outbox, optOuts } = world(holder());
    await optOuts.store.suppressContact(WS, 'c-pat', 'unsubscribe');
    expect(await optOuts.store.reasonsFor(WS, 'pat@example.com')).toEqual([]);
    expect(await sendEmail(request(), deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(outbox).toEqual([]);
  });

  it('goes when the deleted contact never opted out, neither sealed nor tagged with it', async () => {
    const { deps, outbox, statusReads } = world(holder());
    const outcome = await sendEmail(request({ tags: { workspace: WS } }), deps);
    expect(outcome.status).toBe('sent');
    expect(statusReads).toEqual([]);
    const pixel = /\/t\/o\/([A-Za-z0-9_-]+)/.exec(outbox[0]?.html ?? '')?.[1] ?? '';
    const sealed = openTrackingToken(pixel, key);
    expect(sealed).toBeDefined();
    expect(sealed?.contactId).toBeUndefined();
    expect(outbox[0]?.tags.contact).toBeUndefined();
  });

  it('a transactional send goes whatever the deleted contact opted out of', async () => {
    const { deps, outbox } = world(holder('unsubscribed'));
    const outcome = await sendEmail(request({ category: 'transactional', track: true }), deps);
    expect(outcome.status).toBe('sent');
    expect(outbox).toHaveLength(1);
  });

  it('reference: a live holder is judged by its read status, sealed and tagged as before', async () => {
    const { deps, outbox, statusReads } = world('c-live');
    expect((await sendEmail(request(), deps)).status).toBe('sent');
    expect(statusReads).toEqual(['c-live']);
    expect(outbox[0]?.tags.contact).toBe('c-live');
  });
});

describe('addressHolderOf', () => {
  const contact = (over: Partial<Contact>): Contact => ({
    contactId: 'c-1',
    workspaceId: WS,
    email: 'pat@example.com',
    status: 'customer',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: 'x',
    updatedAt: 'x',
    ...over,
  });
  const store = (contacts: Contact[]) => {
    const asked: string[][] = [];
    return {
      asked,
      contacts: {
        findByEmails: async (_ws: string, emails: readonly string[]) => {
          asked.push([...emails]);
          return new Map(contacts.filter((c) => emails.includes(c.email)).map((c) => [c.email, c]));
        },
      },
    };
  };

  it('answers the live contact, else the deleted one with its status, from one lookup', async () => {
    const live = store([contact({ contactId: 'c-live' })]);
    expect(await addressHolderOf(WS, ' Pat@Example.com ', live)).toBe('c-live');
    expect(live.asked).toEqual([['pat@example.com']]);

    const gone = store([contact({ contactId: 'c-gone', status: 'unsubscribed', deletedAt: '2026-12-01T00:00:00Z' })]);
    expect(await addressHolderOf(WS, 'pat@example.com', gone)).toEqual({
      contactId: 'c-gone',
      deletedAt: '2026-12-01T00:00:00Z',
      status: 'unsubscribed',
    });
    expect(gone.asked).toHaveLength(1);
    // The live-only lookup (timeline entries, ...) still skips it.
    expect(await liveContactIdOf(WS, 'pat@example.com', gone)).toBeUndefined();

    expect(await addressHolderOf(WS, 'nobody@example.com', store([]))).toBeUndefined();
  });
});
