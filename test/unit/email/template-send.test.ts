/**
 * `POST /api/emails/send` by template and to a contact: the body's two forms, and resolution
 * at enqueue time (the version's content copied, the contact's fields as the merge context,
 * 404 for a deleted contact or template, the postal address required for marketing).
 */
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/crm/model';
import { type EmailSendMessage, oneOffSendBody, queueOneOffSend } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { resolveOneOffSend } from '../../../shared/email/template-send';

const WS = 'ws-1';
const v1: TemplateVersion = {
  workspaceId: WS,
  templateId: 'tpl-1',
  version: 1,
  name: 'Welcome',
  category: 'marketing',
  subject: 'Hello {{ contact.firstName }}',
  html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a>{{ workspace.postalAddress }}',
  createdAt: '',
  createdBy: 'u',
};
const v2: TemplateVersion = { ...v1, version: 2, subject: 'Second {{ contact.firstName }}', topic: 'news' };
let record: TemplateRecord = {
  workspaceId: WS,
  templateId: 'tpl-1',
  name: 'Welcome',
  category: 'marketing',
  latestVersion: 2,
  createdAt: '',
  updatedAt: '',
};
const ada: Contact = {
  contactId: 'c-1',
  workspaceId: WS,
  email: 'ada@example.com',
  firstName: 'Ada',
  company: 'Engines',
  status: 'lead',
  tags: ['vip'],
  customFields: { plan: 'pro' },
  score: 0,
  tier: 'cold',
  createdAt: '',
  updatedAt: '',
};
const deps = (postalAddress?: string) => ({
  templates: {
    get: async (_ws: string, id: string) => (id === 'tpl-1' ? record : undefined),
    version: async (_ws: string, _id: string, v: number) => [v1, v2].find((x) => x.version === v),
  },
  contacts: {
    get: async (_ws: string, id: string) =>
      id === 'c-1' ? ada : id === 'c-gone' ? { ...ada, contactId: 'c-gone', deletedAt: 'x' } : undefined,
  },
  profile: async () => ({ name: 'Acme', ...(postalAddress ? { postalAddress } : {}) }),
});

describe('oneOffSendBody', () => {
  it('takes inline content or a template, to an address or a contact: exactly one recipient', () => {
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1', contactId: 'c-1' }).success).toBe(true);
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1', version: 2, to: 'a@b.test' }).success).toBe(true);
    expect(
      oneOffSendBody.safeParse({ contactId: 'c-1', subject: 's', html: 'h', category: 'transactional' }).success,
    ).toBe(true);
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1' }).success).toBe(false);
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1', to: 'a@b.test', contactId: 'c-1' }).success).toBe(false);
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1', to: 'a@b.test', subject: 'mixed' }).success).toBe(false);
    expect(oneOffSendBody.safeParse({ templateId: 'tpl-1', to: 'a@b.test', version: 0 }).success).toBe(false);
  });
});

describe('resolveOneOffSend', () => {
  it('copies the latest (or named) version and makes the contact the merge context', async () => {
    const latest = await resolveOneOffSend(WS, { templateId: 'tpl-1', contactId: 'c-1' }, deps('1 Main St'));
    expect(latest).toMatchObject({
      to: 'ada@example.com',
      category: 'marketing',
      subject: v2.subject,
      contactId: 'c-1',
      contact: { email: 'ada@example.com', firstName: 'Ada', company: 'Engines', customFields: { plan: 'pro' } },
      workspace: { name: 'Acme', postalAddress: '1 Main St' },
      template: { templateId: 'tpl-1', version: 2 },
    });
    const older = await resolveOneOffSend(WS, { templateId: 'tpl-1', version: 1, to: 'x@y.test' }, deps('1 Main St'));
    expect(older).toMatchObject({ subject: v1.subject, to: 'x@y.test', contact: { email: 'x@y.test' } });
  });

  it('answers 404 for a deleted or unknown contact, and for a deleted template', async () => {
    await expect(resolveOneOffSend(WS, { templateId: 'tpl-1', contactId: 'c-gone' }, deps('a'))).rejects.toMatchObject({
      code: 'CONTACT_NOT_FOUND',
    });
    await expect(resolveOneOffSend(WS, { templateId: 'tpl-1', contactId: 'c-9' }, deps('a'))).rejects.toMatchObject({
      status: 404,
    });
    record = { ...record, deletedAt: 'now' };
    await expect(resolveOneOffSend(WS, { templateId: 'tpl-1', to: 'a@b.test' }, deps('a'))).rejects.toMatchObject({
      code: 'TEMPLATE_NOT_FOUND',
    });
    record = { ...record, deletedAt: undefined } as TemplateRecord;
  });

  it('refuses a marketing template send without the workspace postal address, naming the setting', async () => {
    await expect(resolveOneOffSend(WS, { templateId: 'tpl-1', to: 'a@b.test' }, deps())).rejects.toMatchObject({
      code: 'POSTAL_ADDRESS_MISSING',
      message: expect.stringContaining('PUT /api/settings/email.postal_address'),
    });
  });

  it('queues a self-contained message: the content, the contact and the unsubscribe token with the contact', async () => {
    const send = await resolveOneOffSend(WS, { templateId: 'tpl-1', contactId: 'c-1' }, deps('1 Main St'));
    const sent: EmailSendMessage[] = [];
    const calls: unknown[] = [];
    await queueOneOffSend(WS, send, 'key-1', {
      queue: { send: async (m) => void sent.push(m as EmailSendMessage) },
      newId: () => 'n',
      from: 'f@acme.test',
      unsubscribe: (sendId, email, contactId, topic) => {
        calls.push({ sendId, email, contactId, topic });
        return { url: 'https://u', headers: { 'List-Unsubscribe': '<https://u>' } };
      },
    });
    expect(calls).toEqual([{ sendId: expect.any(String), email: 'ada@example.com', contactId: 'c-1', topic: 'news' }]);
    expect(sent[0]).toMatchObject({
      contactId: 'c-1',
      topic: 'news',
      idempotencyKey: 'api#client#key-1',
      content: { subject: v2.subject, html: v2.html },
      context: {
        contact: { firstName: 'Ada' },
        workspace: { postalAddress: '1 Main St' },
        unsubscribe_url: 'https://u',
      },
      tags: { template: 'tpl-1' },
    });
  });
});
