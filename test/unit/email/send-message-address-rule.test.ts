/**
 * Was failing (review 9, HIGH): a broadcast (or template/campaign send) to contacts whose addresses
 * the CRM accepted (an IDN domain such as `anna@пример.рф`, or RFC 5322 atext such as
 * `a&b@example.com`) was reported `done` with those contacts counted `enqueued`, yet every such
 * send message was refused by the sender's own schema (zod's stricter `z.email()`), retried 5
 * times and dead-lettered (DLQ alarm, canary rollback).
 * Fixed: the send message, the one-off send body and contacts share one address rule
 * (sanitizeEmail, via `recipientAddress` in shared/email/send-request.ts), and `sendMessageOf`
 * checks each message against the queue schema as it is built: one the sender could not read
 * throws `UnqueueableSendError`, and a broadcast page counts that contact skipped, with its reason.
 */
import { describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../shared/crm/contacts/contact-fields';
import type { Contact } from '../../../shared/crm/model';
import { type BroadcastRecord, type BroadcastStore, runAudiencePage } from '../../../shared/email/broadcast';
import {
  type AudiencePageMessage,
  type EmailSendMessage,
  emailQueueMessage,
  oneOffSendBody,
  sendMessageOf,
  UnqueueableSendError,
} from '../../../shared/email/send-request';
import type { TemplateVersion } from '../../../shared/email/stored-templates';

const WS = 'ws-1';
const version: TemplateVersion = {
  workspaceId: WS,
  templateId: 'tpl-1',
  version: 1,
  name: 'News',
  category: 'transactional',
  subject: 'Hello',
  html: '<p>Hi {{ contact.email }}</p>',
  createdAt: '2026-12-01T00:00:00Z',
  createdBy: 'u-1',
};

function memoryBroadcasts(): BroadcastStore {
  const pages = new Set<number>();
  return {
    create: async () => true,
    get: async () => undefined as BroadcastRecord | undefined,
    pageRecorded: async (_w, _b, p) => pages.has(p),
    recordPage: async (_w, _b, p) => {
      if (pages.has(p.page)) return false;
      pages.add(p.page);
      return true;
    },
  };
}

describe('a broadcast to contacts whose addresses the CRM accepted', () => {
  it('queues send messages the sender can parse', async () => {
    const addresses = ['anna@пример.рф', 'a&b@example.com', 'first!last@example.com'];
    const contacts: Contact[] = addresses.map((raw, i) => {
      const input = contactCreateSchema.parse({ email: raw }); // the CRM accepts it (canonicalised)
      return {
        contactId: `c-${i}`,
        workspaceId: WS,
        email: input.email,
        status: 'lead',
        tags: [],
        customFields: {},
        score: 0,
        tier: 'cold',
        createdAt: '',
        updatedAt: '',
      };
    });
    const sent: Array<EmailSendMessage | AudiencePageMessage> = [];
    const outcome = await runAudiencePage(
      {
        kind: 'audience-page',
        workspaceId: WS,
        broadcastId: 'b-1',
        templateId: 'tpl-1',
        version: 1,
        audience: {},
        workspace: { name: 'Acme' },
        page: 0,
      },
      {
        from: 'news@acme.test',
        unsubscribe: () => ({ url: 'https://x/u/t', headers: {} }),
        templates: { version: async () => version },
        broadcasts: memoryBroadcasts(),
        contacts: { list: async () => ({ contacts }) },
        queue: { send: async (m) => void sent.push(m) },
        now: () => new Date('2026-12-04T10:00:00Z'),
      },
    );
    expect(outcome).toMatchObject({ status: 'done', enqueued: 3 });
    // What the email-sender's queueFunction does with each body before sending anything.
    const unparseable = sent
      .map((m) => JSON.parse(JSON.stringify(m)))
      .filter((body) => !emailQueueMessage.safeParse(body).success)
      .map((body) => body.to);
    expect(unparseable).toEqual([]);
  });
});

const contactOf = (contactId: string, email: string): Contact => ({
  contactId,
  workspaceId: WS,
  email,
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '',
  updatedAt: '',
});

describe('a send message the sender could not read', () => {
  it('is never built: sendMessageOf throws, naming the field', () => {
    const build = () =>
      sendMessageOf(
        WS,
        { sendId: 's-1', idempotencyKey: 'k-1' },
        { to: 'not an address', category: 'transactional', subject: 'Hi', html: '<p>Hi</p>' },
        { from: 'news@acme.test' },
      );
    expect(build).toThrow(UnqueueableSendError);
    expect(build).toThrow(/to: Not a valid email address/);
  });

  it('carries the canonical address (lower case, punycode domain)', () => {
    const message = sendMessageOf(
      WS,
      { sendId: 's-1', idempotencyKey: 'k-1' },
      { to: 'Anna@Пример.рф', category: 'transactional', subject: 'Hi', html: '<p>Hi</p>' },
      { from: 'news@acme.test' },
    );
    expect(message.to).toBe('anna@xn--e1afmkfd.xn--p1ai');
  });

  it('is a skipped contact of a broadcast page, with its reason, and the rest are queued', async () => {
    const sent: Array<EmailSendMessage | AudiencePageMessage> = [];
    const outcome = await runAudiencePage(
      {
        kind: 'audience-page',
        workspaceId: WS,
        broadcastId: 'b-1',
        templateId: 'tpl-1',
        version: 1,
        audience: {},
        workspace: { name: 'Acme' },
        page: 0,
      },
      {
        from: 'news@acme.test',
        unsubscribe: () => ({ url: 'https://x/u/t', headers: {} }),
        templates: { version: async () => version },
        broadcasts: memoryBroadcasts(),
        // A record written before the address rule, or by hand: the CRM's rule refuses it.
        contacts: {
          list: async () => ({ contacts: [contactOf('c-1', 'ok@example.com'), contactOf('c-2', 'broken@')] }),
        },
        queue: { send: async (m) => void sent.push(m) },
        now: () => new Date('2026-12-04T10:00:00Z'),
      },
    );
    expect(outcome).toMatchObject({
      status: 'done',
      enqueued: 1,
      skipped: 1,
      unqueueable: [{ contactId: 'c-2', reason: expect.stringMatching(/^to: /) }],
    });
    expect(sent.map((m) => ('to' in m ? m.to : undefined))).toEqual(['ok@example.com']);
  });
});

describe('the one-off send body', () => {
  it('takes every address a contact may hold, canonicalised as the contact is', () => {
    for (const to of ['anna@пример.рф', 'a&b@example.com', 'First!Last@Example.com']) {
      const parsed = oneOffSendBody.parse({ to, subject: 'Hi', html: '<p>Hi</p>', category: 'transactional' });
      expect(parsed.to).toBe(contactCreateSchema.parse({ email: to }).email);
    }
  });
});
