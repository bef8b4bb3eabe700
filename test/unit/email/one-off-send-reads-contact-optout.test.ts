/**
 * A marketing send to an address reads the opt-outs of the person at that address (review 7,
 * email; fixed). Ada unsubscribes (one-click) from a mail to her old address; her contact gets a
 * new address; `POST /api/emails/send {to: <new address>, category: marketing}` used to mail her,
 * although her consent record said withdrawn, and the sender even knew it was her (it looked her
 * contact up by address to seal her id into the open pixel and click links).
 * Was: sendRequestOf names a contact only when the queue message carries `contactId`, and
 * sendEmail read the contact's own opt-out CONTACTOPTOUT#<id> only then; the contact found by
 * address was used for tracking alone, after the suppression check.
 * Now: sendEmail resolves the recipient's contact once, before the suppression check (the one the
 * request names, else the live contact with the address, for every marketing or tracked send),
 * reads that contact's opt-outs for every marketing send, and reuses it for the tracking links
 * and the `contact` tag. A transactional send reads the address's suppressions only.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { sendEmail } from '../../../shared/email/send-email';
import { type EmailSendMessage, sendOneOff, sendRequestOf } from '../../../shared/email/send-request';
import { openTrackingToken } from '../../../shared/email/tracking-token';
import { honourUnsubscribe, unsubscribeFor } from '../../../shared/email/unsubscribe';
import { memoryOptOuts } from './memory-opt-outs';
import { sendWorld } from './send-fixture';

const key = randomBytes(32);
const WS = 'ws-1';
const link = { baseUrl: 'https://app.example.com', key };

describe('a one-off marketing send to the current address of a contact who unsubscribed', () => {
  it('is not mailed', async () => {
    const suppressions = memoryOptOuts().store;
    // Ada (contact c-ada) unsubscribes from a campaign mail to her old address.
    const contacts = new Map([['c-ada', 'ada@old.example']]);
    const { url } = unsubscribeFor(link, {
      workspaceId: WS,
      sendId: 's1',
      email: 'ada@old.example',
      contactId: 'c-ada',
    });
    const token = url.split('/u/')[1] as string;
    const honoured = await honourUnsubscribe(
      {
        key,
        suppressions,
        recordUnsubscribed: async () => {},
        now: () => new Date('2026-12-04T10:00:00Z'),
      },
      token,
    );
    expect(honoured).toMatchObject({ status: 'unsubscribed', already: false });

    // Her address changes; a user then sends a marketing one-off to her by address.
    contacts.set('c-ada', 'ada@new.example');
    const queued: EmailSendMessage[] = [];
    await sendOneOff(
      { workspaceId: WS, userId: 'u1' },
      {
        to: 'ada@new.example',
        subject: 'Offer',
        html: '<p><a href="https://acme.test/x">Buy</a></p>',
        category: 'marketing',
      },
      undefined,
      {
        resolve: async (_ws, body) => ({
          to: body.to as string,
          category: 'marketing',
          subject: 'Offer',
          html: '<p><a href="https://acme.test/x">Buy</a></p>',
        }),
        queue: { send: async (m) => void queued.push(m as EmailSendMessage) },
        idempotency: undefined as never,
        now: () => new Date('2026-12-05T10:00:00Z'),
        newId: () => 'gen-1',
        from: 'news@acme.test',
        unsubscribe: (sendId, email, contactId) =>
          unsubscribeFor(link, { workspaceId: WS, sendId, email, ...(contactId ? { contactId } : {}) }),
      },
    );

    const outbox: OutgoingEmail[] = [];
    const { deps } = sendWorld({
      outbox,
      suppressions,
      now: () => Date.parse('2026-12-05T10:00:01Z'),
      tracking: { baseUrl: link.baseUrl, key },
      // As functions/email-sender.ts: the live contact with the address.
      contactIdOf: async (_ws, email) => [...contacts].find(([, e]) => e === email)?.[0],
    });
    const message = queued[0] as EmailSendMessage;
    expect(message.contactId).toBeUndefined();
    const outcome = await sendEmail(sendRequestOf(message, 'news@acme.test'), deps);

    expect(outcome).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(outbox).toHaveLength(0);

    // A transactional send to her is not stopped by her marketing opt-out.
    const receipt = await sendEmail(
      {
        ...sendRequestOf(message, 'news@acme.test'),
        idempotencyKey: 'api#generated#receipt',
        category: 'transactional',
      },
      deps,
    );
    expect(receipt.status).toBe('sent');
  });

  it('is mailed, when nobody opted out, with the contact found by address sealed and tagged', async () => {
    const outbox: OutgoingEmail[] = [];
    const lookups: string[] = [];
    const { deps } = sendWorld({
      outbox,
      suppressions: memoryOptOuts().store,
      now: () => Date.parse('2026-12-05T10:00:01Z'),
      tracking: { baseUrl: link.baseUrl, key },
      contactIdOf: async (_ws, email) => {
        lookups.push(email);
        return 'c-bob';
      },
    });
    const outcome = await sendEmail(
      {
        workspaceId: WS,
        idempotencyKey: 'api#generated#bob',
        sendId: 'send-bob',
        category: 'marketing',
        from: 'news@acme.test',
        to: 'bob@example.com',
        content: { subject: 'Offer', html: '<p><a href="https://acme.test/x">Buy</a></p>' },
        context: { contact: {}, workspace: { name: 'Acme' } },
        tags: { workspace: WS, send: 'send-bob' },
      },
      deps,
    );

    expect(outcome.status).toBe('sent');
    // Looked up once, for the suppression check, the pixel and the provider's events alike.
    expect(lookups).toEqual(['bob@example.com']);
    const pixel = /\/t\/o\/([A-Za-z0-9_-]+)/.exec(outbox[0]?.html ?? '')?.[1] ?? '';
    expect(openTrackingToken(pixel, key)?.contactId).toBe('c-bob');
    expect(outbox[0]?.tags).toMatchObject({ contact: 'c-bob', workspace: WS, send: 'send-bob' });
  });
});
