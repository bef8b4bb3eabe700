/**
 * A journey its own mail would start again (a trigger on a delivery, an open..., re-entry
 * `always`): refused on save, notify-user mail included, and left out at run time for a version
 * saved before the rule (its deliveries publish events now).
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { selfTriggerProblems } from '../../../shared/campaigns/journey-rules';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const onDelivery = (then: object) => ({
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'email_delivered' }, next: 'act' },
    { id: 'act', ...then, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});
const MAILS = onDelivery({ kind: 'email', templateId: 't' });
const NOTIFIES = onDelivery({ kind: 'action', action: { type: 'notify-user', userId: 'u1', message: 'Call them' } });

describe('a journey started by its own mail', () => {
  it('is refused with re-entry always, an email node or a notify-user action alike', () => {
    const always = { reentry: { mode: 'always' as const } };
    expect(selfTriggerProblems(journeySchema.parse(MAILS), always)).toEqual([
      expect.objectContaining({ node: 'start', message: expect.stringContaining('node "act"') }),
    ]);
    expect(selfTriggerProblems(journeySchema.parse(NOTIFIES), always)).toHaveLength(1);
    expect(selfTriggerProblems(journeySchema.parse(MAILS), { reentry: { mode: 'never' } })).toEqual([]);
  });

  it('saved before the rule, is left out at run time instead of mailing on every delivery', async () => {
    const w = campaignWorld(MAILS, { reentry: { mode: 'always' } });
    w.addContact('c1');
    const claims = new Set<string>();
    const index = {
      find: async () => [CAMPAIGN],
      claimed: async (_w: string, e: string, who: string, c: string) => claims.has(`${e}/${who}/${c}`),
      claim: async (_w: string, e: string, who: string, c: string) => void claims.add(`${e}/${who}/${c}`),
    } as unknown as CampaignTriggerIndex;
    const deps = {
      index,
      versions: w.deps.versions,
      enrol: (m: Parameters<typeof enrolContact>[0]) => enrolContact(m, w.deps, `sqs-${m.launchId}`),
    };
    for (let i = 0; i < 3; i += 1) {
      const detail = {
        workspaceId: WS,
        contactId: 'c1',
        eventId: `interaction-${i}`,
        interactionType: 'email_delivered',
      };
      const envelope = { id: `e${i}`, 'detail-type': 'contact.interaction_recorded', detail };
      expect(await triggerFromEvent(envelope as never, deps)).toMatchObject({ matched: 0, selfTriggered: 1 });
    }
    expect(w.sends.size).toBe(0);
  });
});
