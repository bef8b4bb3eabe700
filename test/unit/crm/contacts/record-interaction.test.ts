/** recordInteraction and the timeline over in-memory ports. */
import { beforeEach, describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../../shared/crm/contacts/contact-fields';
import type { ContactStore, InteractionStore } from '../../../../shared/crm/contacts/ports';
import { recordInteraction, timeline } from '../../../../shared/crm/contacts/record-interaction';
import { createContact, deleteContact, getContact } from '../../../../shared/crm/contacts/use-cases';
import { interactionTimeline } from '../../../../shared/email/email-timeline';
import {
  countingScorer,
  fakeClock,
  memoryContacts,
  memoryEvents,
  memoryInteractions,
  sequentialIds,
} from './memory-stores';

const WS = 'ws-int';
let deps: ReturnType<typeof setup>;
const withScorer = <C extends ContactStore, I extends InteractionStore>(contacts: C, interactions: I) => ({
  contacts,
  interactions,
  scorer: countingScorer(contacts, interactions),
});
const setup = () => {
  const clock = fakeClock();
  return {
    ...withScorer(memoryContacts(), memoryInteractions()),
    now: clock.now,
    newId: sequentialIds('i'),
    events: memoryEvents(),
    clock,
  };
};
let contactId: string;
beforeEach(async () => {
  deps = setup();
  contactId = (await createContact(WS, contactCreateSchema.parse({ email: 't@example.com' }), deps)).contactId;
});

describe('recordInteraction', () => {
  it('stores the interaction, dates the contact and returns the scorer’s answer', async () => {
    const out = await recordInteraction(deps, WS, contactId, { type: 'email_opened', source: 'campaigns' });
    expect(out.interaction).toMatchObject({
      type: 'email_opened',
      occurredAt: '2026-03-01T10:00:00.000Z',
      source: 'campaigns',
      metadata: {},
    });
    expect(out.score).toEqual({ score: 10, tier: 'cold', previousScore: 0, previousTier: 'cold' });
    expect((await getContact(WS, contactId, deps)).lastInteractionAt).toBe('2026-03-01T10:00:00.000Z');
    expect(deps.scorer.calls[0]?.contact.lastInteractionAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('never moves lastInteractionAt back for an older interaction', async () => {
    await recordInteraction(deps, WS, contactId, { type: 'call', source: 'u1' });
    await recordInteraction(deps, WS, contactId, {
      type: 'note',
      occurredAt: '2026-02-01T00:00:00Z',
      source: 'u1',
    });
    expect((await getContact(WS, contactId, deps)).lastInteractionAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('accepts up to 5 minutes of clock skew, refuses more, and refuses unknown types', async () => {
    const at = (min: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + min * 60_000).toISOString();
    await expect(
      recordInteraction(deps, WS, contactId, { type: 'call', occurredAt: at(4), source: 'u' }),
    ).resolves.toBeDefined();
    await expect(
      recordInteraction(deps, WS, contactId, { type: 'call', occurredAt: at(6), source: 'u' }),
    ).rejects.toMatchObject({ status: 400, code: 'INTERACTION_IN_FUTURE' });
    await expect(
      recordInteraction(deps, WS, contactId, { type: 'tweet' as 'call', source: 'u' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      recordInteraction(deps, WS, contactId, { type: 'note', metadata: { n: [Infinity] }, source: 'u' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('answers 404 for a deleted contact or another workspace’s, and scores nothing', async () => {
    await expect(recordInteraction(deps, 'ws-other', contactId, { type: 'call', source: 'u' })).rejects.toMatchObject({
      status: 404,
    });
    await deleteContact(WS, contactId, deps);
    await expect(recordInteraction(deps, WS, contactId, { type: 'call', source: 'u' })).rejects.toMatchObject({
      status: 404,
    });
    expect(deps.scorer.calls).toEqual([]);
    expect(deps.interactions.all).toEqual([]);
  });
});

describe('contact.interaction_recorded', () => {
  // Every interaction publishes it (campaign triggers, event waits, goals and exits listen), so
  // `events` is a required dependency: a caller cannot build the recorder without a publisher.
  const recorded = () => deps.events.published.filter((e) => e.type === 'contact.interaction_recorded');
  it('is published for each recorded interaction, keyed by the interaction (a retry publishes the same id)', async () => {
    await recordInteraction(deps, WS, contactId, { type: 'email_opened', source: 'tracking' });
    await recordInteraction(deps, WS, contactId, { type: 'form_submit', source: 'u1', interactionId: 'fixed' });
    expect(recorded()).toEqual([
      expect.objectContaining({
        type: 'contact.interaction_recorded',
        workspaceId: WS,
        detail: expect.objectContaining({ contactId, interactionType: 'email_opened', eventId: expect.any(String) }),
      }),
      expect.objectContaining({
        detail: { eventId: 'interaction-fixed', contactId, interactionId: 'fixed', interactionType: 'form_submit' },
      }),
    ]);
  });

  it('is published for provider events put on the timeline (email-timeline.ts: deliveries, bounces)', async () => {
    const timelineOf = interactionTimeline(deps);
    const entry = { interactionId: 'dlv-1', occurredAt: deps.now().toISOString(), metadata: { sendId: 's1' } };
    expect(await timelineOf.record(WS, 't@example.com', { ...entry, type: 'email_delivered' })).toBe('recorded');
    expect(recorded().map((e) => [e.type, e.detail.interactionType, e.detail.eventId])).toEqual([
      ['contact.interaction_recorded', 'email_delivered', 'interaction-dlv-1'],
    ]);
  });

  it('is not published for an interaction that was refused', async () => {
    await deleteContact(WS, contactId, deps);
    await expect(recordInteraction(deps, WS, contactId, { type: 'call', source: 'u' })).rejects.toMatchObject({
      status: 404,
    });
    expect(recorded()).toEqual([]);
  });
});

describe('timeline', () => {
  it('lists newest first, paginated', async () => {
    for (const type of ['email_sent', 'email_delivered', 'email_opened'] as const) {
      await recordInteraction(deps, WS, contactId, { type, source: 'campaigns' });
      deps.clock.advance(1000);
    }
    const first = await timeline(deps, WS, contactId, { limit: 2 });
    expect(first.interactions.map((i) => i.type)).toEqual(['email_opened', 'email_delivered']);
    const rest = await timeline(deps, WS, contactId, { limit: 2, cursor: first.nextCursor });
    expect(rest.interactions.map((i) => i.type)).toEqual(['email_sent']);
    await expect(timeline(deps, 'ws-other', contactId, { limit: 2 })).rejects.toMatchObject({ status: 404 });
  });
});
