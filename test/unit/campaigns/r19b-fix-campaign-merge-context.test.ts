// Review round 19: this test failed at 24f06da.
// A campaign email's merge context was `{contactId, ...snapshot.fields, tags}`: custom fields at the top
// level (not under `customFields` as in every other send) and able to replace `contactId`, `email`, `tags`.
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { campaignMailer } from '../../../shared/campaigns/campaign-mailer';
import type { Contact } from '../../../shared/crm/model';
import type { EmailSendMessage } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { mergeFieldsOf } from '../../../shared/email/template-send';

const AT = '2026-12-05T10:00:00.000Z';

function contactWith(customFields: Record<string, string | number | boolean>, extra: Partial<Contact> = {}): Contact {
  return {
    contactId: 'c1',
    workspaceId: 'ws',
    email: 'ann@example.com',
    firstName: 'Ann',
    status: 'customer',
    tags: ['vip'],
    customFields,
    score: 10,
    tier: 'cold',
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  } as unknown as Contact;
}

/** The merge context (`contact.*`) a campaign email node queues for `contact`. */
async function campaignContext(contact: Contact): Promise<Readonly<Record<string, unknown>>> {
  const record: TemplateRecord = {
    workspaceId: 'ws',
    templateId: 't1',
    name: 'T',
    category: 'transactional',
    latestVersion: 1,
    createdAt: AT,
    updatedAt: AT,
  };
  const version: TemplateVersion = { ...record, version: 1, createdBy: 'u1', subject: 'Hi', html: '<p>x</p>' };
  const queued: EmailSendMessage[] = [];
  await campaignMailer({
    from: 'news@example.com',
    unsubscribe: () => ({ url: 'https://app.example/u/tok', headers: {} }),
    templates: { get: async () => record, version: async () => version },
    profile: async () => ({ name: 'Acme' }),
    queue: { send: async (m) => void queued.push(m as EmailSendMessage) },
    sendLog: { record: async () => undefined, since: async () => [], lock: async () => async () => undefined },
    now: () => new Date(AT),
  }).send({
    workspaceId: 'ws',
    campaignId: 'cmp',
    version: 1,
    nodeId: 'n1',
    contact: snapshotOf(contact),
    templateId: 't1',
    idempotencyKey: 'campaign#cmp#c1#1#n1#1',
  });
  const message = queued[0];
  if (!message) throw new Error('nothing queued');
  return message.context.contact;
}

describe('a campaign email has the merge context of every other send', () => {
  it('is exactly what a one-off send, a broadcast and the preview build (mergeFieldsOf)', async () => {
    const contact = contactWith({ plan: 'gold', seats: 3 }, { lastName: 'Lee', company: 'Acme', jobTitle: 'CTO' });
    expect(await campaignContext(contact)).toEqual(mergeFieldsOf(contact));
  });

  it('custom fields named like built-in keys stay under customFields and shadow nothing', async () => {
    const contact = contactWith({
      contactId: 'spoofed',
      email: 'evil@example.com',
      tags: 'none',
      firstName: 'Custom',
      lastName: 'Custom',
      customFields: 'nested',
      timeZone: 'Europe/Berlin',
    });
    const context = await campaignContext(contact);
    expect(context).toEqual(mergeFieldsOf(contact));
    expect(context.contactId).toBe('c1');
    expect(context.email).toBe('ann@example.com');
    expect(context.tags).toEqual(['vip']);
    expect(context.firstName).toBe('Ann');
    expect(context.lastName).toBeUndefined();
    expect(context.customFields).toEqual(contact.customFields);
  });
});
