/**
 * Review round 16: this test failed at 5bc3520.
 * Defect: a campaign email of a topic the contact opted out of (preferences page: "no more
 * promotions") is still queued by the drip step and logged for the contact's frequency cap,
 * though the sender then drops it (`suppressed: unsubscribe:topic:promotions`). The cap counts
 * a mail the person never got, so the next marketing mail they did NOT opt out of (the
 * newsletter) is deferred by a whole cap window: opting out of one topic delays every other one.
 * Severity: MEDIUM (the cap defers wanted mail for mail that never went; with a weekly cap a
 * contact who left "promotions" gets the newsletter a week late, every time a promo is due).
 * Root cause: shared/campaigns/run-step.ts:exitBeforeNode / shared/campaigns/execute-node.ts:
 * emailNode judge suppressions without the template's topic (`mailBlockFor(..., 'marketing')`,
 * no topic), so shared/campaigns/campaign-mailer.ts:send logs (`sendLog.record`) and queues a
 * send the sender's `blockingSuppression(reasons, 'marketing', topic)` refuses.
 * Correct: a send the contact's topic opt-out blocks is not logged for the cap (better: not
 * queued at all, the node moves on as skipped); only mail that can go counts against the cap.
 */
import { describe, expect, it } from 'vitest';
import { campaignMailer, type MarketingSendLog } from '../../../shared/campaigns/campaign-mailer';
import { enrolContact } from '../../../shared/campaigns/run-step';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { sendEmail } from '../../../shared/email/send-email';
import { type EmailSendMessage, emailSendMessage, sendRequestOf } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateVersion } from '../../../shared/email/stored-templates';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from '../email/send-fixture';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const AT = '2026-12-01T00:00:00.000Z';
function template(templateId: string, topic: string): { record: TemplateRecord; version: TemplateVersion } {
  return {
    record: {
      workspaceId: WS,
      templateId,
      name: templateId,
      category: 'marketing',
      topic,
      latestVersion: 1,
      createdAt: AT,
      updatedAt: AT,
    },
    version: {
      workspaceId: WS,
      templateId,
      version: 1,
      createdAt: AT,
      createdBy: 'u1',
      name: templateId,
      category: 'marketing',
      topic,
      subject: templateId,
      html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
    },
  };
}
const TEMPLATES = { 't-promo': template('t-promo', 'promotions'), 't-news': template('t-news', 'newsletter') };

describe('frequency cap and topic opt-outs', () => {
  it('does not defer the newsletter for a promotion the contact opted out of (and never got)', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'promo' },
          { id: 'promo', kind: 'email', templateId: 't-promo', next: 'news' },
          { id: 'news', kind: 'email', templateId: 't-news', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { frequencyCap: { max: 1, per: 'week' } },
    );
    w.addContact('c1');
    const optOuts: SuppressionReason[] = ['unsubscribe:topic:promotions'];
    w.suppressed.set('c1@example.com', optOuts);

    const log = new Map<string, number>();
    const sendLog: MarketingSendLog = {
      record: async (_ws, _c, atMs, key) => void log.set(key, atMs),
      since: async (_ws, _c, sinceMs, except) =>
        [...log.entries()].filter(([k, t]) => k !== except && t >= sinceMs).map(([, t]) => t),
      lock: async () => async () => undefined,
    };
    const queued: EmailSendMessage[] = [];
    const byId = (id: string) => TEMPLATES[id as keyof typeof TEMPLATES];
    const mailer = campaignMailer({
      from: 'news@example.com',
      unsubscribe: () => ({ url: 'https://example.com/u/x', headers: {} }),
      templates: { get: async (_ws, id) => byId(id).record, version: async (_ws, id) => byId(id).version },
      profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
      queue: { send: async (m) => void queued.push(emailSendMessage.parse(m)) },
      sendLog,
      now: () => new Date(w.now()),
    });
    const deps = { ...w.deps, mailer };
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps);

    // The sender drops the promotion: the contact opted out of its topic.
    const outbox: OutgoingEmail[] = [];
    const { deps: senderDeps } = sendWorld({
      outbox,
      ledger: new MemorySendLedger(),
      suppressions: { reasonsFor: async () => optOuts },
      now: () => w.now(),
    });
    // (Adjusted by the fixer: the fix skips the promotion at the step, so it may not be queued at all;
    // when it is, the sender must drop it. Either way the contact never gets it.)
    const outcomes = new Map<string | undefined, unknown>();
    for (const m of queued) outcomes.set(m.nodeId, await sendEmail(sendRequestOf(m, 'news@example.com'), senderDeps));
    if (outcomes.has('promo')) {
      expect(outcomes.get('promo')).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe:topic:promotions' });
    }
    expect(outbox.filter((e) => e.subject === 't-promo')).toHaveLength(0);

    // Correct: the newsletter (a topic the contact still wants) is queued now, not a week later.
    const state = w.enrolments.get(`${CAMPAIGN}#c1`);
    expect(
      queued.map((m) => m.nodeId),
      `newsletter held until ${state?.dueAt} by the cap, for a promotion that was never sent`,
    ).toContain('news');
  });
});
