/**
 * r19b: `{{ contact.customFields.X }}` renders in a preview, a one-off send and a broadcast, but
 * renders empty in every campaign email.
 *
 * Defect: docs/EMAIL.md lists the merge fields as `contact.*` (firstName, ..., `customFields.*`), and
 * the one-off send, the broadcast and the template preview build the context with `mergeFieldsOf`
 * (shared/email/template-send.ts: `customFields: {...}`). A campaign email node builds it in
 * shared/campaigns/campaign-mailer.ts `campaignMailer.send` as
 * `{contactId, ...contact.fields, tags}`, where `contact.fields` is the step runner's snapshot
 * (shared/adapters/dynamo-campaign-contacts.ts `snapshotOf`): the custom fields spread at the top
 * level, with no `customFields` key. So a template the author previewed with the contact
 * ("Your plan: gold") mails "Your plan: " to every contact of a campaign. (And a custom field
 * named `contactId` replaces the real contact id in the campaign's context.)
 *
 * Severity: MEDIUM (wrong content in every campaign mail that uses a custom field; silent).
 * Root cause: shared/campaigns/campaign-mailer.ts `campaignMailer.send` (merge context from the
 * snapshot's flattened `fields` instead of the documented shape).
 * Correct: campaign sends get the same `contact.*` merge context as every other send
 * (`customFields.*` under `customFields`), e.g. by building it with `mergeFieldsOf`.
 */
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { campaignMailer } from '../../../shared/campaigns/campaign-mailer';
import type { Contact } from '../../../shared/crm/model';
import type { EmailSendMessage } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { mergeFieldsOf } from '../../../shared/email/template-send';
import { renderTemplate } from '../../../shared/email/templates';

const AT = '2026-12-05T10:00:00.000Z';
const HTML =
  '<p>Hi {{ contact.firstName }}, your plan: {{ contact.customFields.plan }}.</p>' +
  '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';

const contact = {
  contactId: 'c1',
  workspaceId: 'ws',
  email: 'ann@example.com',
  firstName: 'Ann',
  status: 'customer',
  tags: ['vip'],
  customFields: { plan: 'gold' },
  score: 10,
  tier: 'cold',
  createdAt: AT,
  updatedAt: AT,
} as unknown as Contact;

function mailerQueueing(into: EmailSendMessage[]) {
  const record: TemplateRecord = {
    workspaceId: 'ws',
    templateId: 't1',
    name: 'Plan',
    category: 'marketing',
    latestVersion: 1,
    createdAt: AT,
    updatedAt: AT,
  };
  const version: TemplateVersion = {
    workspaceId: 'ws',
    templateId: 't1',
    version: 1,
    createdAt: AT,
    createdBy: 'u1',
    name: 'Plan',
    category: 'marketing',
    subject: 'Your plan',
    html: HTML,
  };
  return campaignMailer({
    from: 'news@example.com',
    unsubscribe: () => ({ url: 'https://app.example/u/tok', headers: {} }),
    templates: { get: async () => record, version: async () => version },
    profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
    queue: { send: async (m) => void into.push(m as EmailSendMessage) },
    sendLog: { record: async () => undefined, since: async () => [], lock: async () => async () => undefined },
    now: () => new Date(AT),
  });
}

describe('merge fields of a campaign email', () => {
  it('renders contact.customFields.* as the preview and one-off sends do', async () => {
    // What the preview / a one-off send shows the author:
    const previewed = await renderTemplate(
      { subject: 'Your plan', html: HTML },
      { contact: mergeFieldsOf(contact), workspace: { name: 'Acme', postalAddress: '1 Main St' } },
    );
    expect(previewed.html).toContain('your plan: gold.');

    // What the campaign's email node queues and the sender renders:
    const queued: EmailSendMessage[] = [];
    await mailerQueueing(queued).send({
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
    const mailed = await renderTemplate(message.content, message.context);
    expect(mailed.html).toContain('your plan: gold.');
  });

  it('keeps the contact id in the context whatever the custom fields are called', async () => {
    const queued: EmailSendMessage[] = [];
    const withField = { ...contact, customFields: { contactId: 'spoofed' } } as unknown as Contact;
    await mailerQueueing(queued).send({
      workspaceId: 'ws',
      campaignId: 'cmp',
      version: 1,
      nodeId: 'n1',
      contact: snapshotOf(withField),
      templateId: 't1',
      idempotencyKey: 'campaign#cmp#c1#1#n1#1',
    });
    expect(queued[0]?.context.contact.contactId).toBe('c1');
  });
});
