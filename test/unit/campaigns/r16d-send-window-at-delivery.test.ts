/**
 * Review round 16: this test failed at 5bc3520.
 * Defect: a campaign's send window is enforced only when the drip step queues the email; the
 * email sender, which may hold the message for hours (marketing paused by the reputation guard,
 * paced by the account's quota, providers down), never looks at the window. Once released it
 * mails at whatever local hour that is: an email queued at 11:00 in Berlin, held by a pause,
 * goes out at 23:00 Berlin time when an operator lifts the pause (or the next morning at 03:00).
 * Severity: MEDIUM (the rule the user set, "weekdays 9:00-17:00 their time", is broken for
 * every mail of a paused or backlogged workspace; no mail is lost, it lands at night).
 * Root cause: shared/campaigns/execute-node.ts:emailNode checks `nextWindowOpening` only before
 * `mailer.send`; shared/campaigns/campaign-mailer.ts:send puts no window (nor "send not after")
 * on the queue message, so shared/email/send-email.ts:prepare cannot tell, and a `release`
 * (paused / paced) is retried until it sends, at any hour.
 * Correct: a campaign mail whose window has closed while it waited in the send pipeline is held
 * (released again) until the window's next opening in the contact's zone, as the step would
 * have held it; nothing is lost, nothing goes out at 23:00 local.
 */
import { describe, expect, it } from 'vitest';
import { campaignMailer } from '../../../shared/campaigns/campaign-mailer';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { zonedParts } from '../../../shared/campaigns/send-window';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { sendEmail } from '../../../shared/email/send-email';
import { type EmailSendMessage, emailSendMessage, sendRequestOf } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from '../email/send-fixture';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const AT = '2026-12-01T00:00:00.000Z';
const record: TemplateRecord = {
  workspaceId: WS,
  templateId: 't-welcome',
  name: 'Welcome',
  category: 'marketing',
  latestVersion: 1,
  createdAt: AT,
  updatedAt: AT,
};
const version: TemplateVersion = {
  workspaceId: WS,
  templateId: 't-welcome',
  version: 1,
  createdAt: AT,
  createdBy: 'u1',
  name: 'Welcome',
  category: 'marketing',
  subject: 'Hello',
  html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
};

describe('send window at delivery time', () => {
  it('does not mail at 23:00 in the contact’s zone a campaign email held by a marketing pause', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'welcome' },
          { id: 'welcome', kind: 'email', templateId: 't-welcome', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { timeZone: 'Europe/Berlin', sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 } },
    );
    // The world's clock: Monday 2026-12-07 10:00Z = 11:00 in Berlin, inside the window.
    const queued: EmailSendMessage[] = [];
    const mailer = campaignMailer({
      from: 'news@example.com',
      unsubscribe: () => ({ url: 'https://example.com/u/x', headers: {} }),
      templates: { get: async () => record, version: async () => version },
      profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
      queue: { send: async (m) => void queued.push(emailSendMessage.parse(m)) },
      sendLog: { record: async () => undefined, since: async () => [], lock: async () => async () => undefined },
      now: () => new Date(w.now()),
    });
    w.addContact('c1', { timeZone: 'Europe/Berlin' });
    await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      {
        ...w.deps,
        mailer,
      },
    );
    expect(queued).toHaveLength(1);
    expect(zonedParts(new Date(w.now()), 'Europe/Berlin').hour).toBe(11);

    // The sender: marketing is paused (reputation) when the message first comes in.
    let senderNow = w.now();
    let paused: string | undefined = 'Marketing sends paused: complaint rate 0.40%';
    const outbox: OutgoingEmail[] = [];
    const { deps } = sendWorld({
      outbox,
      ledger: new MemorySendLedger(),
      gate: { pausedReason: async () => paused },
      now: () => senderNow,
    });
    const request = sendRequestOf(queued[0] as EmailSendMessage, 'news@example.com');
    expect((await sendEmail(request, deps)).status).toBe('retry');

    // The pause is lifted at 22:00Z = 23:00 in Berlin: the window (09:00-17:00) is closed.
    senderNow = Date.parse('2026-12-07T22:00:00Z');
    paused = undefined;
    expect(zonedParts(new Date(senderNow), 'Europe/Berlin').hour).toBe(23);
    const outcome = await sendEmail(request, deps);

    // Correct: held for the window's next opening (Tuesday 09:00 Berlin), not mailed at 23:00.
    expect(outbox, 'mailed at 23:00 local, outside the 09:00-17:00 send window').toHaveLength(0);
    expect(outcome.status).toBe('retry');
  });
});
