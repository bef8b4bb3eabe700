/**
 * A bot's or a privacy proxy's open or click (`metadata.suspectedBot`) answers no condition
 * (bot-interactions-answer-nothing.test.ts); the event published for it says so, and such an
 * event starts no journey and wakes no enrolment. Before, the event carried no flag: a mail
 * scanner's click enrolled the contact into an "on email_clicked" campaign.
 */
import { describe, expect, it } from 'vitest';
import { dripStepMessage, type EnrolMessage } from '../../../shared/campaigns/messages';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { contactCreateSchema } from '../../../shared/crm/contacts/contact-fields';
import { recordInteractionOnce } from '../../../shared/crm/contacts/record-interaction-once';
import { createContact } from '../../../shared/crm/contacts/use-cases';
import {
  countingScorer,
  fakeClock,
  memoryContacts,
  memoryEvents,
  memoryInteractions,
  sequentialIds,
} from '../crm/contacts/memory-stores';
import { memoryIdempotency } from '../idempotency/memory-idempotency';
import { CAMPAIGN, campaignWorld } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'email_clicked' }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('events of suspected bots', () => {
  it('carry the flag from the interaction, and start no journey', async () => {
    const clock = fakeClock();
    const contacts = memoryContacts();
    const interactions = memoryInteractions();
    const events = memoryEvents();
    const crm = {
      contacts,
      interactions,
      scorer: countingScorer(contacts, interactions),
      idempotency: memoryIdempotency(clock.now),
      now: clock.now,
      newId: sequentialIds('i'),
      events,
    };
    const ada = (await createContact('ws1', contactCreateSchema.parse({ email: 'ada@example.com' }), crm)).contactId;
    const click = { type: 'email_clicked' as const, source: 'tracking' };
    await recordInteractionOnce(crm, 'ws1', ada, { ...click, metadata: { suspectedBot: ['scanner'] } }, 'r-bot');
    await recordInteractionOnce(crm, 'ws1', ada, click, 'r-person');
    const published = events.published.filter((e) => e.type === 'contact.interaction_recorded');
    expect(published.map((e) => e.detail.suspectedBot)).toEqual([['scanner'], undefined]);

    const w = campaignWorld(JOURNEY);
    w.addContact(ada);
    const found: string[] = [];
    const index = {
      find: async () => {
        found.push('find');
        return [CAMPAIGN];
      },
      claimed: async () => false,
      claim: async () => true,
    } as unknown as CampaignTriggerIndex;
    const deps = { index, versions: w.deps.versions, enrol: (m: EnrolMessage) => enrolContact(m, w.deps) };
    const asEnvelope = (e: (typeof published)[number], id: string) => {
      const m = dripStepMessage.parse({
        version: '0',
        id,
        'detail-type': e.type,
        source: 'unite-hub',
        detail: { ...e.detail, workspaceId: 'ws1' },
      });
      if (m.kind !== 'domain-event') throw new Error('expected a domain event');
      return m.event;
    };
    expect(await triggerFromEvent(asEnvelope(published[0] as (typeof published)[number], 'e1'), deps)).toMatchObject({
      suspectedBot: true,
      enrolled: 0,
    });
    expect(found).toEqual([]);
    expect(w.enrolments.size).toBe(0);
    expect(await triggerFromEvent(asEnvelope(published[1] as (typeof published)[number], 'e2'), deps)).toMatchObject({
      enrolled: 1,
    });
  });
});
