// Review round 21: this test failed at 516cb66.
// The per-contact frequency cap across campaigns counted a marketing mail at the instant its step
// QUEUED it (the send log entry campaign-mailer.ts writes), over the 24 hours before the next step.
// The email sender holds a mail it finds past its send window's end until the next opening, so a
// mail queued at 16:50 (window 09-17) goes out at 09:00 the next day; a second campaign's step at
// 16:51 that day no longer saw the 16:50 entry and sent too: two mails 8 hours apart under a
// "1 a day" cap. The cap is about what the contact receives: it must judge by the send instant.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import { campaignMailer } from '../../shared/campaigns/campaign-mailer';
import type { StepDeps } from '../../shared/campaigns/ports';
import { enrolContact } from '../../shared/campaigns/run-step';
import { sendEmail } from '../../shared/email/send-email';
import { type EmailSendMessage, emailSendMessage, sendRequestOf } from '../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../shared/email/stored-templates';
import { dynamoForFile } from '../support/dynamo-emulator';
import { campaignWorld, WS } from '../unit/campaigns/campaign-world';
import { sendWorld } from '../unit/email/send-fixture';

const PREFIX = 'r21f7-cap-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const RULES = {
  timeZone: 'UTC',
  sendWindow: { weekdays: [1, 2, 3, 4, 5, 6, 7], startHour: 9, endHour: 17 },
  frequencyCap: { max: 1, per: 'day' as const },
};

const AT = '2026-12-01T00:00:00.000Z';
const RECORD: TemplateRecord = {
  workspaceId: WS,
  templateId: 't1',
  name: 'News',
  category: 'marketing',
  latestVersion: 1,
  createdAt: AT,
  updatedAt: AT,
};
const VERSION: TemplateVersion = {
  ...RECORD,
  version: 1,
  createdBy: 'u1',
  subject: 'News',
  html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
};

const DAY1_1650 = Date.parse('2026-12-07T16:50:00Z');
const DAY1_1700 = Date.parse('2026-12-07T17:00:30Z');
const DAY2_0900 = Date.parse('2026-12-08T09:00:00Z');
const DAY2_1651 = Date.parse('2026-12-08T16:51:00Z');
const DAY3_0900 = Date.parse('2026-12-09T09:00:00Z');

describe('r21f7: the frequency cap counts a held mail at the instant it is sent', () => {
  it('never lets two capped mails reach a contact within a day when the sender held the first to the next opening', async () => {
    const contactId = `c-${randomUUID().slice(0, 8)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    const a = campaignWorld(JOURNEY, RULES);
    const b = campaignWorld(JOURNEY, RULES);
    a.addContact(contactId);
    b.addContact(contactId);
    let now = DAY1_1650;
    const queued: EmailSendMessage[] = [];
    const mailer = campaignMailer({
      from: 'news@example.com',
      unsubscribe: () => ({ url: 'https://example.com/u/x', headers: {} }),
      templates: { get: async () => RECORD, version: async () => VERSION },
      profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
      queue: { send: async (m) => void queued.push(emailSendMessage.parse(m)) },
      sendLog: log,
      now: () => new Date(now),
    });
    // Both campaigns' steps mail through the real mailer and its send log (DynamoDB).
    Object.assign(a.deps, { mailer } satisfies Partial<StepDeps>);
    Object.assign(b.deps, { mailer } satisfies Partial<StepDeps>);
    // The sender: its own clock, the campaign's log to tell when it holds a mail.
    const { deps: senderDeps, outbox } = sendWorld({ now: () => now, marketingSends: log } as Parameters<
      typeof sendWorld
    >[0]);
    const delivered: number[] = [];
    const deliver = async (message: EmailSendMessage) => {
      const outcome = await sendEmail(sendRequestOf(message, 'news@example.com'), senderDeps);
      if (outcome.status === 'sent') delivered.push(now);
      return outcome.status;
    };

    // Day 1, 16:50: campaign A's step queues its mail (inside the window, under the cap).
    await a.advanceTo(DAY1_1650);
    await enrolContact({ workspaceId: WS, campaignId: 'cmpA', contactId, launchId: 'la' }, a.deps);
    expect(queued).toHaveLength(1);
    const first = queued[0] as EmailSendMessage;
    // The sender gets to it at 17:00:30 (paced, a queue backlog): past the window, held to 09:00.
    now = DAY1_1700;
    expect(await deliver(first)).toBe('retry');
    now = DAY2_0900;
    expect(await deliver(first)).toBe('sent');

    // Day 2, 16:51: campaign B's step. The contact got A's mail at 09:00 today: B must wait.
    now = DAY2_1651;
    await b.advanceTo(DAY2_1651);
    await enrolContact({ workspaceId: WS, campaignId: 'cmpB', contactId, launchId: 'lb' }, b.deps);
    for (const message of queued.slice(1)) await deliver(message);
    // Deferred, never dropped: at the first instant that fits, B's mail goes.
    now = DAY3_0900;
    await b.advanceTo(DAY3_0900);
    for (const message of queued.slice(1)) await deliver(message);

    expect(outbox).toHaveLength(2);
    expect(delivered).toHaveLength(2);
    const [x, y] = delivered as [number, number];
    expect(y - x).toBeGreaterThanOrEqual(86_400_000);
  });
});
