/**
 * Review round 19 (r19d): a broadcast send trusts the contact as its page saw it.
 *
 * Defect 1 (MEDIUM): a broadcast page copies each live contact's address into a self-contained send
 * message. The send can wait long after that (the pacer at SES's rate over thousands of
 * contacts, SES's daily budget spent: released `paced` for 5 minutes at a time, a reputation
 * pause: 15 minutes at a time for as long as it lasts). The sender re-reads the recipient's CRM
 * status at send time precisely because "a mail can wait long after it" (send-email.ts,
 * `contactStatusOf`), but a contact deleted meanwhile is not noticed: its item keeps its status
 * (`lead`), so the mail goes out to a contact the workspace deleted (perhaps on the person's own
 * request). Everywhere else a deleted contact gets no mail: a one-off send to it is 404
 * `CONTACT_NOT_FOUND`, a broadcast page lists only live contacts, a campaign step of a deleted
 * contact exits `contact-deleted`.
 * Root cause: shared/adapters/dynamo-suppressions.ts `contactStatus` (returns the status of a
 * deleted contact's item, ignoring `deletedAt`) as used by shared/email/send-email.ts `prepare`
 * (only the status is judged, never whether the named contact still exists).
 * Correct: a send naming a contactId whose contact is deleted (or gone) is closed without mail
 * (`not-sent`), as an opted-out one is.
 *
 * Defect 2 (MEDIUM, same root cause): a contact whose address changed after its page fanned out
 * is mailed at the OLD address, with its own merge fields. When that address now belongs to
 * another contact of the workspace (the person's old work mailbox, now a colleague's contact),
 * the colleague receives the first contact's data (name, company, custom fields) in marketing
 * mail, even though the colleague's own CRM status is `unsubscribed`: the sender reads the
 * opt-outs and status of the contact the message names, never of the address's current owner.
 * Root cause: shared/email/send-email.ts `prepare` (the message's `to` is trusted although the
 * named contact no longer has it). Correct: a send naming a contact that no longer holds the
 * address is not sent to that address (closed, or re-addressed to the contact's current one).
 *
 * Real stores on the DynamoDB emulator (contacts, templates, broadcasts, ledger, suppressions,
 * gate, pacer); the queue and the provider are in memory (the provider counts its calls).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoBroadcasts } from '../../shared/adapters/dynamo-broadcasts';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../../shared/adapters/dynamo-email-templates';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { newContact } from '../../shared/crm/contacts/use-cases';
import { type BroadcastRecord, runAudiencePage } from '../../shared/email/broadcast';
import type { EmailProvider } from '../../shared/email/ports';
import { providerBreaker } from '../../shared/email/provider-failover';
import { sendEmail } from '../../shared/email/send-email';
import {
  type AudiencePageMessage,
  type EmailQueueMessage,
  type EmailSendMessage,
  isAudiencePage,
  sendRequestOf,
} from '../../shared/email/send-request';
import { createTemplate } from '../../shared/email/stored-templates';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r19d-bc-';
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let core: string;

dynamoForFile(PREFIX, (harness) => {
  dynamo = harness;
  ({ db } = harness);
  core = harness.table('core');
});

const FROM = 'news@acme.test';

/** A workspace with Ada (tagged) and a marketing template; the broadcast's page 0 fanned out: Ada's send message. */
async function fannedOut() {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contacts = dynamoContacts(db, core);
  const templates = dynamoEmailTemplates(db, core);
  const broadcasts = dynamoBroadcasts(db, core);
  const at = new Date().toISOString();
  const ada = newContact(
    workspaceId,
    { email: 'ada@old-employer.example', firstName: 'Ada', company: 'Engines', tags: ['news'] },
    randomUUID(),
    at,
  );
  await contacts.create(ada);
  const template = await createTemplate(
    workspaceId,
    {
      name: 'News',
      category: 'marketing',
      subject: 'News for {{ contact.firstName }}',
      html: '<p>Hi {{ contact.firstName }} of {{ contact.company }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    },
    'u-1',
    { templates, newId: randomUUID, now: () => new Date() },
  );
  const broadcastId = randomUUID();
  const record: BroadcastRecord = {
    workspaceId,
    broadcastId,
    templateId: template.templateId,
    version: template.version,
    category: 'marketing',
    audience: { tag: 'news' },
    enqueued: 0,
    skipped: 0,
    pagesDone: 0,
    createdAt: at,
    updatedAt: at,
    createdBy: 'u-1',
  };
  expect(await broadcasts.create(record)).toBe(true);
  const queued: EmailQueueMessage[] = [];
  const page: AudiencePageMessage = {
    kind: 'audience-page',
    workspaceId,
    broadcastId,
    templateId: template.templateId,
    version: template.version,
    audience: { tag: 'news' },
    workspace: { name: 'Acme', postalAddress: '1 Main Street, Springfield' },
    page: 0,
  };
  const outcome = await runAudiencePage(page, {
    from: FROM,
    unsubscribe: () => ({
      url: 'https://acme.test/u/token',
      headers: {
        'List-Unsubscribe': '<https://acme.test/u/token>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    }),
    templates,
    broadcasts,
    contacts,
    queue: { send: async (m: EmailQueueMessage) => void queued.push(m) } as never,
    now: () => new Date(),
  });
  expect(outcome).toMatchObject({ status: 'done', enqueued: 1 });
  const sends = queued.filter((m): m is EmailSendMessage => !isAudiencePage(m));
  expect(sends).toHaveLength(1);
  return { workspaceId, contacts, ada, message: sends[0] as EmailSendMessage };
}

/** The sender's use case over its real stores; the provider records what it is asked to send. */
async function deliver(message: EmailSendMessage) {
  const mails: Array<{ to: string; html: string }> = [];
  const provider: EmailProvider = {
    name: 'ses',
    send: async (email) => {
      mails.push({ to: email.to, html: email.html });
      return { providerMessageId: `m-${mails.length}` };
    },
  };
  const suppressions = dynamoSuppressions(db, core);
  const outcome = await sendEmail(sendRequestOf(message, FROM), {
    ledger: dynamoSendLedger(db, core),
    suppressions,
    contactStatusOf: suppressions.contactStatus,
    gate: dynamoSendingGate(db, core),
    pacer: dynamoSendPacer(
      db,
      dynamo.table('ephemeral'),
      () => Promise.resolve({ bucket: { ratePerSecond: 1000, burst: 1000 }, dailyRemaining: Infinity }),
      `r19d-${randomUUID().slice(0, 6)}`,
    ),
    chain: [{ provider, breaker: providerBreaker('ses') }],
    now: Date.now,
  });
  return { outcome, mails };
}

describe('a broadcast send waiting in the queue (r19d)', () => {
  it('is not mailed to a contact deleted after its page fanned out', async () => {
    const { workspaceId, contacts, ada, message } = await fannedOut();
    // While the message waits (paced, paused), the workspace deletes the contact.
    const deletedAt = new Date().toISOString();
    await contacts.setDeleted(workspaceId, ada.contactId, deletedAt, deletedAt);
    expect(await contacts.get(workspaceId, ada.contactId)).toMatchObject({ deletedAt });

    const { outcome, mails } = await deliver(message);

    // Current code: { status: 'sent' }, one mail to the deleted contact.
    expect({ status: outcome.status, mails: mails.length }).toEqual({ status: 'not-sent', mails: 0 });
  });

  it("does not mail a contact's data to its old address, now another (unsubscribed) contact's", async () => {
    const { workspaceId, contacts, ada, message } = await fannedOut();
    // While the message waits, Ada moves to a new address; her old mailbox is now Bob's, a
    // contact of the same workspace who has unsubscribed.
    const before = await contacts.get(workspaceId, ada.contactId);
    if (!before) throw new Error('expected Ada');
    await contacts.update(before, { email: 'ada@new-employer.example', updatedAt: new Date().toISOString() });
    const bob = newContact(
      workspaceId,
      { email: 'ada@old-employer.example', firstName: 'Bob', status: 'unsubscribed' },
      randomUUID(),
      new Date().toISOString(),
    );
    await contacts.create(bob);

    const { mails } = await deliver(message);

    // Current code: Bob (unsubscribed) gets marketing mail carrying Ada's name and company.
    const toOldAddress = mails.filter((m) => m.to === 'ada@old-employer.example');
    expect(toOldAddress.map((m) => ({ to: m.to, shows: /Hi [^<]*/.exec(m.html)?.[0] }))).toEqual([]);
  });
});
