/**
 * The (event, campaign) claim that keeps a replayed event from enrolling twice is keyed by the
 * event id and the campaign only, not the contact. An interaction's event id is
 * `interaction-<interactionId>`, and the client chooses interactionId (POST
 * /api/contacts/{id}/interactions with an Idempotency-Key header: the header is the key, the body's
 * interactionId may repeat across contacts, e.g. the id of the webinar each attendee submitted).
 * The second contact's event is taken for a replay of the first: that contact is never enrolled.
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
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'form_submit' }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const submitted = (contactId: string, interactionId: string) => {
  const m = dripStepMessage.parse({
    version: '0',
    id: `eb-${contactId}-${interactionId}`,
    'detail-type': 'contact.interaction_recorded',
    source: 'unite-hub',
    // As record-interaction.ts publishes it.
    detail: {
      workspaceId: WS,
      contactId,
      interactionType: 'form_submit',
      interactionId,
      eventId: `interaction-${interactionId}`,
    },
  });
  if (m.kind !== 'domain-event') throw new Error('expected a domain event');
  return m.event;
};

describe('event-triggered enrolment', () => {
  it('(premise) the interactions route records one client interactionId for two contacts, one event id', async () => {
    const clock = fakeClock();
    const contacts = memoryContacts();
    const interactions = memoryInteractions();
    const events = memoryEvents();
    const deps = {
      contacts,
      interactions,
      scorer: countingScorer(contacts, interactions),
      idempotency: memoryIdempotency(clock.now),
      now: clock.now,
      newId: sequentialIds('i'),
      events,
    };
    const ada = (await createContact('ws', contactCreateSchema.parse({ email: 'ada@example.com' }), deps)).contactId;
    const bob = (await createContact('ws', contactCreateSchema.parse({ email: 'bob@example.com' }), deps)).contactId;
    const body = { type: 'form_submit' as const, interactionId: 'webinar-42', source: 'u-1' };
    await recordInteractionOnce(deps, 'ws', ada, body, 'req-ada');
    await recordInteractionOnce(deps, 'ws', bob, body, 'req-bob');
    const ids = events.published
      .filter((e) => e.type === 'contact.interaction_recorded')
      .map((e) => [e.detail.contactId, e.detail.eventId]);
    expect(ids).toEqual([
      [ada, 'interaction-webinar-42'],
      [bob, 'interaction-webinar-42'],
    ]);
  });

  it('enrols two contacts whose interactions carry the same client interactionId', async () => {
    const w = campaignWorld(JOURNEY);
    w.addContact('ada');
    w.addContact('bob');
    // As dynamoCampaignTriggers: claims by (workspace, event, contact, campaign).
    const claims = new Set<string>();
    const index = {
      set: async () => undefined,
      find: async () => [CAMPAIGN],
      claimed: async (_ws: string, e: string, who: string, c: string) => claims.has(`${e}#${who}#${c}`),
      claim: async (_ws: string, e: string, who: string, c: string) => {
        claims.add(`${e}#${who}#${c}`);
        return true;
      },
      setSchedule: async () => undefined,
      scheduleNext: async () => undefined,
    } as unknown as CampaignTriggerIndex;
    const deps = { index, versions: w.deps.versions, enrol: (m: EnrolMessage) => enrolContact(m, w.deps) };
    await triggerFromEvent(submitted('ada', 'webinar-42'), deps);
    const second = await triggerFromEvent(submitted('bob', 'webinar-42'), deps);
    expect(second).toMatchObject({ enrolled: 1, replayed: 0 });
    expect(w.enrolments.get(`${CAMPAIGN}#bob`)).toBeDefined();
  });
});
