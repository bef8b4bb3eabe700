// Review round 16: this test failed at 5bc3520.
/**
 * Review round 16 (triggers). DEFECT: a contact whose CRM status is `unsubscribed` (set through
 * the API or a CSV import from another CRM, which is how opt-outs made elsewhere arrive) is
 * enrolled into campaigns and mailed their marketing email, although a broadcast of the same
 * workspace skips them ("marketing to a contact whose status is `unsubscribed` is skipped and
 * counted", docs/EMAIL.md; shared/email/broadcast.ts runAudiencePage).
 *
 * SEVERITY: MEDIUM (wrong audience: marketing mail to people the workspace recorded as
 * unsubscribed; the same contact is treated as opted out by one sending path and not the other).
 *
 * ROOT CAUSE: the campaign audience checks only suppression records, never the contact's status:
 * shared/campaigns/enrol-by-ids.ts enrolContactIds (POST /api/campaigns/{id}/enrol with
 * contactIds), shared/campaigns/enrol-audience-page.ts enrolAudiencePage (launches by filter and
 * schedules: `emailOf` in functions/campaign-audience.ts answers any live contact), and the
 * engine's exit check before each node (shared/campaigns/run-step.ts exitReason /
 * email node), which is all that stands between an event, webhook or schedule trigger and the mail.
 *
 * CORRECT: as for broadcasts, a contact whose status is `unsubscribed` gets no marketing mail: left
 * out of enrolments and counted as suppressed (202 {queued: 0, suppressed: 1}), and an enrolment
 * that reaches a marketing email node with such a contact exits (`unsubscribed`) instead of sending.
 */
import { describe, expect, it } from 'vitest';
import { enrolContactIds } from '../../../shared/campaigns/enrol-by-ids';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import { enrolContact } from '../../../shared/campaigns/run-step';
import type { Contact } from '../../../shared/crm/model';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

describe('a contact whose status is unsubscribed', () => {
  it('is left out of an enrolment by contact ids and counted as suppressed', async () => {
    const queued: DripStepMessage[] = [];
    const result = await enrolContactIds(
      { workspaceId: 'ws1', campaignId: 'c1', launchId: 'l1', contactIds: ['opted-out'] },
      {
        contacts: {
          get: async (_ws: string, id: string) =>
            ({ contactId: id, email: 'optedout@example.com', status: 'unsubscribed' }) as Contact,
        },
        suppressions: { reasonsFor: async () => [] },
        queue: { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) },
      },
    );
    expect(result, 'the unsubscribed contact was queued for the campaign').toEqual({ queued: 0, suppressed: 1 });
    expect(queued).toEqual([]);
  });

  it('is not sent the marketing email of a campaign it is enrolled into (trigger, hook, schedule)', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', on: { type: 'tag-added', tag: 'vip' }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 'promo', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('opted-out', { fields: { status: 'unsubscribed' } });
    await enrolContact(
      { kind: 'enrol', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'opted-out', launchId: 'event-1' },
      w.deps,
    );
    expect(
      [...w.sends.values()].filter((s) => s.marketing).map((s) => s.contactId),
      'a marketing email went to a contact whose status is unsubscribed',
    ).toEqual([]);
  });
});
