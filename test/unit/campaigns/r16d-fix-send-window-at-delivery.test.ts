// Review round 16: this test failed at 5bc3520.
// A campaign's send window was judged only when the step queued the mail: the sender, holding it for hours
// (paused, paced, providers down), mailed it at any local hour. Campaign messages now carry the window in the
// contact's zone; the sender holds one it finds outside it until the next opening (deferred, never dropped).
import { describe, expect, it } from 'vitest';
import { campaignMailer } from '../../../shared/campaigns/campaign-mailer';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { scaledClock } from '../../../shared/clock';
import type { ClaimResult } from '../../../shared/email/ports';
import { sendEmail } from '../../../shared/email/send-email';
import {
  type EmailSendMessage,
  emailSendMessage,
  retryDelaySeconds,
  SEND_MESSAGE_MAX_BYTES,
  sendMessageOf,
  sendRequestOf,
  UnqueueableSendError,
} from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from '../email/send-fixture';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

/** Counts the claims the sender makes. */
class CountingLedger extends MemorySendLedger {
  claims = 0;
  override async claim(...args: Parameters<MemorySendLedger['claim']>): Promise<ClaimResult> {
    this.claims += 1;
    return super.claim(...args);
  }
}

function sender(nowMs: () => number) {
  return sendWorld({ ledger: new CountingLedger(), now: nowMs });
}

const WEEKDAYS_9_TO_17 = { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 };

const base = () => ({
  workspaceId: WS,
  sendId: 's1',
  idempotencyKey: 'campaign#k1',
  category: 'transactional',
  from: 'news@example.com',
  to: 'c1@example.com',
  content: { subject: 'Hi', html: '<p>Hi</p>' },
  campaignId: CAMPAIGN,
  nodeId: 'welcome',
});

/** A campaign send message with `window` in `zone` (none: one queued before the field existed). */
const campaignMessage = (zone?: string): EmailSendMessage =>
  emailSendMessage.parse(zone ? { ...base(), window: { ...WEEKDAYS_9_TO_17, zone } } : base());

describe('the send window at delivery', () => {
  it('holds a mail found after the window closed until the next opening, claiming nothing, then sends it once', async () => {
    let now = Date.parse('2026-12-07T22:00:00Z'); // Monday 23:00 in Berlin
    const { deps, outbox, ledger } = sender(() => now);
    const request = sendRequestOf(campaignMessage('Europe/Berlin'), 'news@example.com');

    const held = await sendEmail(request, deps);
    const opening = Date.parse('2026-12-08T08:00:00Z'); // Tuesday 09:00 in Berlin
    expect(held).toMatchObject({ status: 'retry', retryAfterMs: opening - now });
    expect(held.status === 'retry' && held.reason).toMatch(/outside the send window/);
    expect(outbox).toHaveLength(0);
    expect(ledger.claims).toBe(0);
    // Back on the queue (deferred, not dropped) at SQS's longest delay, again and again until the opening.
    expect(retryDelaySeconds(held as Extract<typeof held, { status: 'retry' }>, 0)).toBe(900);

    now = opening - 60_000;
    expect((await sendEmail(request, deps)).status).toBe('retry');
    now = opening;
    expect((await sendEmail(request, deps)).status).toBe('sent');
    expect((await sendEmail(request, deps)).status).toBe('duplicate');
    expect(outbox).toHaveLength(1);
  });

  it('holds a mail found on Friday evening until Monday 09:00 in the contact’s zone (New York)', async () => {
    const now = Date.parse('2026-12-11T22:30:00Z'); // Friday 17:30 in New York
    const { deps, outbox } = sender(() => now);
    const held = await sendEmail(sendRequestOf(campaignMessage('America/New_York'), 'x@example.com'), deps);
    expect(held).toMatchObject({ status: 'retry', retryAfterMs: Date.parse('2026-12-14T14:00:00Z') - now });
    expect(outbox).toHaveLength(0);
  });

  it('judges the window in campaign time (TIME_SCALE locally), as the step does, and waits in real time', async () => {
    const real = Date.parse('2026-12-07T10:00:00Z'); // 11:00 in Berlin by the wall clock
    // Campaign time an hour per real second, at Monday 23:00 in Berlin.
    const clock = scaledClock(3600, { realMs: real, clockMs: Date.parse('2026-12-07T22:00:00Z') }, () => real);
    const { deps, outbox } = sender(() => real);
    const held = await sendEmail(sendRequestOf(campaignMessage('Europe/Berlin'), 'x@example.com'), {
      ...deps,
      campaignClock: clock,
    });
    // Tuesday 09:00 in Berlin is 10 campaign hours away: 10 real seconds.
    expect(held).toMatchObject({ status: 'retry', retryAfterMs: 10_000 });
    expect(outbox).toHaveLength(0);
  });

  it('sends at once a mail inside its window, and a message queued before the field existed at any hour', async () => {
    const inside = sender(() => Date.parse('2026-12-07T10:00:00Z'));
    expect(
      (await sendEmail(sendRequestOf(campaignMessage('Europe/Berlin'), 'x@example.com'), inside.deps)).status,
    ).toBe('sent');
    const legacy = sender(() => Date.parse('2026-12-07T22:00:00Z'));
    expect((await sendEmail(sendRequestOf(campaignMessage(), 'x@example.com'), legacy.deps)).status).toBe('sent');
  });

  it('the step puts the window on the message in the contact’s zone, else the campaign’s', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'welcome' },
          { id: 'welcome', kind: 'email', templateId: 't-welcome', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { timeZone: 'Europe/Berlin', sendWindow: WEEKDAYS_9_TO_17 },
    );
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
      ...record,
      version: 1,
      createdBy: 'u1',
      subject: 'Hello',
      html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
    };
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
    w.addContact('c1', { timeZone: 'Europe/Lisbon' });
    w.addContact('c2');
    for (const contactId of ['c1', 'c2']) {
      await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, { ...w.deps, mailer });
    }
    expect(queued.map((m) => m.window)).toEqual([
      { ...WEEKDAYS_9_TO_17, zone: 'Europe/Lisbon' },
      { ...WEEKDAYS_9_TO_17, zone: 'Europe/Berlin' },
    ]);
    // Small: the window adds well under 100 bytes to the message.
    const { window: _w, ...without } = queued[0] as EmailSendMessage;
    const added = Buffer.byteLength(JSON.stringify(queued[0])) - Buffer.byteLength(JSON.stringify(without));
    expect(added).toBeLessThan(100);
  });

  it('measures a campaign send with its campaign fields: one they push past the queue’s limit is refused', () => {
    const html = 'é'.repeat(400_000); // 800,000 bytes: the rest in the text part
    const plain = (text: string, campaign?: Parameters<typeof sendMessageOf>[1]['campaign']) =>
      sendMessageOf(
        WS,
        { sendId: 's1', idempotencyKey: 'campaign#k1', ...(campaign ? { campaign } : {}) },
        { to: 'c1@example.com', category: 'transactional', subject: 'Hi', html, text },
        { from: 'news@example.com' },
      );
    // 40 bytes under the limit without the campaign fields.
    const text = 'x'.repeat(SEND_MESSAGE_MAX_BYTES - Buffer.byteLength(JSON.stringify(plain('x'))) + 1 - 40);
    expect(Buffer.byteLength(JSON.stringify(plain(text)))).toBe(SEND_MESSAGE_MAX_BYTES - 40);
    const build = (campaign?: Parameters<typeof sendMessageOf>[1]['campaign']) => plain(text, campaign);
    expect(() => build(undefined)).not.toThrow();
    expect(() =>
      build({ campaignId: CAMPAIGN, nodeId: 'welcome', window: { ...WEEKDAYS_9_TO_17, zone: 'Europe/Berlin' } }),
    ).toThrow(UnqueueableSendError);
  });
});
