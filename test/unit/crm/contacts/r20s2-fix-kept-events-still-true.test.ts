// Review round 20: this test failed at 9cf75bb.
// An interaction's events kept on its contact (`event:<eventId>` slots) went out with the contact's next
// PATCH, restore or retried create whatever had happened since: a kept tier crossing into a tier the
// contact had left started `score-tier` campaigns for it. The last describe is a guard (it passes at
// 9cf75bb too): a kept `contact.interaction_recorded` that goes out late is judged by the interaction's time.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainEventEnvelope, StepMessage } from '../../../../shared/campaigns/messages';
import { enrolContact, runStep } from '../../../../shared/campaigns/run-step';
import { type WakeOnEventDeps, wakeOnEvent } from '../../../../shared/campaigns/wake-on-event';
import { INTERACTION_RECORDED_EVENT } from '../../../../shared/crm/contact-events';
import { contactCreateSchema } from '../../../../shared/crm/contacts/contact-fields';
import { ContactNotFoundError } from '../../../../shared/crm/contacts/errors';
import { pendingSlotOf } from '../../../../shared/crm/contacts/pending-events';
import { createContact, deleteContact, restoreContact, updateContact } from '../../../../shared/crm/contacts/use-cases';
import type { Contact } from '../../../../shared/crm/model';
import type { DomainEvent } from '../../../../shared/crm/ports';
import { THRESHOLD_EVENT } from '../../../../shared/crm/scoring/score-interaction';
import { CAMPAIGN, campaignWorld, DAY, WS } from '../../campaigns/campaign-world';
import { fakeClock, memoryContacts, memoryEvents, sequentialIds } from './memory-stores';

type Tier = Contact['tier'];

function world() {
  const clock = fakeClock();
  const deps = { contacts: memoryContacts(), now: clock.now, newId: sequentialIds(), events: memoryEvents(), clock };
  /** A contact whose own events went out; then `tier` and these events kept on it, as the interaction route keeps them. */
  const contactWith = async (tier: Tier, kept: (contactId: string) => DomainEvent[]) => {
    const c = await createContact(WS, contactCreateSchema.parse({ email: `${randomUUID()}@example.com` }), deps);
    deps.contacts.rows.set(`${WS}/${c.contactId}`, { ...c, tier });
    const slots = deps.contacts.pending.get(`${WS}/${c.contactId}`) ?? new Map<string, DomainEvent>();
    for (const e of kept(c.contactId)) slots.set(pendingSlotOf(e), e);
    deps.contacts.pending.set(`${WS}/${c.contactId}`, slots);
    deps.events.published.length = 0;
    return c.contactId;
  };
  const stillPending = (contactId: string) => [...(deps.contacts.pending.get(`${WS}/${contactId}`)?.values() ?? [])];
  return { deps, contactWith, stillPending };
}

const crossing = (contactId: string, fromTier: Tier, toTier: Tier, at: string): DomainEvent => ({
  type: THRESHOLD_EVENT,
  workspaceId: WS,
  occurredAt: at,
  detail: { eventId: `tier-${contactId}-${toTier}-${Date.parse(at)}`, contactId, fromTier, toTier, score: 30 },
});
const interaction = (contactId: string, type: string, at: string): DomainEvent => ({
  type: INTERACTION_RECORDED_EVENT,
  workspaceId: WS,
  occurredAt: at,
  detail: { eventId: `interaction-${contactId}-${at}`, contactId, interactionId: `i-${at}`, interactionType: type },
});
const ids = (events: readonly DomainEvent[]) => events.map((e) => e.detail.eventId);

describe('kept events go out only while what they say is still true of the contact', () => {
  it('a PATCH drops a kept crossing into a tier the contact has left, unpublished, and publishes the kept interaction', async () => {
    const w = world();
    let kept: DomainEvent[] = [];
    const id = await w.contactWith('cold', (c) => {
      kept = [
        interaction(c, 'meeting', '2026-03-01T09:00:00.000Z'),
        crossing(c, 'cold', 'lukewarm', '2026-03-01T09:00:00.001Z'),
      ];
      return kept;
    });

    await updateContact(WS, id, { firstName: 'Later' }, w.deps);

    expect(ids(w.deps.events.published)).toEqual([kept[0]?.detail.eventId]);
    // Published with the interaction's own time, not the PATCH's.
    expect(w.deps.events.published[0]?.occurredAt).toBe('2026-03-01T09:00:00.000Z');
    expect(w.stillPending(id), 'the stale crossing is dropped, not left for the next write').toEqual([]);
  });

  it('publishes a kept crossing while the contact still holds its tier', async () => {
    const w = world();
    let kept: DomainEvent[] = [];
    const id = await w.contactWith('lukewarm', (c) => {
      kept = [crossing(c, 'cold', 'lukewarm', '2026-03-01T09:00:00.000Z')];
      return kept;
    });
    await updateContact(WS, id, { firstName: 'Later' }, w.deps);
    expect(ids(w.deps.events.published)).toEqual(ids(kept));
    expect(w.stillPending(id)).toEqual([]);
  });

  it('of several kept crossings only the latest goes out (the earlier ones were left since)', async () => {
    const w = world();
    let kept: DomainEvent[] = [];
    const id = await w.contactWith('lukewarm', (c) => {
      kept = [
        crossing(c, 'cold', 'lukewarm', '2026-03-01T08:00:00.000Z'),
        crossing(c, 'lukewarm', 'cold', '2026-03-01T08:30:00.000Z'),
        crossing(c, 'cold', 'lukewarm', '2026-03-01T09:00:00.000Z'),
      ];
      return kept;
    });
    await updateContact(WS, id, { firstName: 'Later' }, w.deps);
    expect(ids(w.deps.events.published)).toEqual([kept[2]?.detail.eventId]);
    expect(w.stillPending(id)).toEqual([]);
  });

  it('a deleted contact keeps them; its restore publishes those still true of it and drops the rest', async () => {
    const w = world();
    let kept: DomainEvent[] = [];
    const id = await w.contactWith('warm', (c) => {
      kept = [
        interaction(c, 'form_submit', '2026-03-01T09:00:00.000Z'),
        crossing(c, 'lukewarm', 'hot', '2026-03-01T09:00:00.001Z'),
      ];
      return kept;
    });
    await deleteContact(WS, id, w.deps);
    await expect(updateContact(WS, id, { firstName: 'Later' }, w.deps)).rejects.toBeInstanceOf(ContactNotFoundError);
    expect(w.deps.events.published).toEqual([]);
    expect(ids(w.stillPending(id)).sort()).toEqual(ids(kept).sort());

    await restoreContact(WS, id, w.deps);

    expect(ids(w.deps.events.published)).toEqual([kept[0]?.detail.eventId]);
    expect(w.stillPending(id)).toEqual([]);
  });

  it('a retried create publishes its contact.created and drops a kept crossing the contact has left', async () => {
    const w = world();
    const input = contactCreateSchema.parse({ email: `${randomUUID()}@example.com` });
    const publish = w.deps.events.publish.bind(w.deps.events);
    let fail = true;
    w.deps.events.publish = async (events) => {
      if (fail) throw new Error('bus and queue down');
      return publish(events);
    };
    await expect(createContact(WS, input, w.deps)).rejects.toThrow('bus and queue down');
    const [contact] = [...w.deps.contacts.rows.values()];
    const id = contact?.contactId as string;
    const stale = crossing(id, 'cold', 'lukewarm', '2026-03-01T09:00:00.000Z');
    w.deps.contacts.pending.get(`${WS}/${id}`)?.set(pendingSlotOf(stale), stale);
    fail = false;

    const again = await createContact(WS, input, w.deps);

    expect(again.contactId).toBe(id);
    expect(w.deps.events.published.map((e) => e.type)).toEqual(['contact.created']);
    expect(w.stillPending(id)).toEqual([]);
  });
});

describe('a kept contact.interaction_recorded that goes out late is judged by the interaction time', () => {
  const JOURNEY = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'form' },
      {
        id: 'form',
        kind: 'wait',
        for: { type: 'event', interaction: 'form_submit', timeout: { days: 7 } },
        next: 'thanks',
      },
      { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  };
  const HOUR = 3_600_000;

  function setUp() {
    const w = campaignWorld(JOURNEY);
    w.addContact('c1');
    const queued: StepMessage[] = [];
    const wakeDeps: WakeOnEventDeps = {
      holding: {
        async of(_ws, contactId) {
          return [...w.enrolments.values()].filter((e) => e.contactId === contactId && e.status === 'waiting');
        },
      },
      enrolments: w.deps.enrolments,
      versions: w.deps.versions,
      queue: {
        async sendAll(messages) {
          for (const m of messages) if (m.kind === 'step') queued.push(m);
        },
      },
      now: w.deps.now,
    };
    /** The event of an interaction recorded at `at`, delivered now (kept on the contact until now). */
    const deliverLate = async (at: number) => {
      const event: DomainEventEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': INTERACTION_RECORDED_EVENT,
        source: 'unite-hub',
        time: new Date(at).toISOString(),
        detail: { workspaceId: WS, contactId: 'c1', interactionType: 'form_submit', interactionId: `i-${at}` },
      };
      const woke = await wakeOnEvent(event, wakeDeps);
      for (const m of queued.splice(0)) await runStep(m, w.deps);
      return woke;
    };
    const thanks = () => [...w.sends.values()].filter((s) => s.nodeId === 'thanks').length;
    return { w, deliverLate, thanks };
  }

  it('an interaction from before the wait began answers it not, however late its event arrives', async () => {
    const { w, deliverLate, thanks } = setUp();
    const at = w.now();
    w.interact('c1', 'form_submit');
    await w.advanceTo(at + HOUR);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    await w.advanceTo(at + 2 * HOUR);

    const woke = await deliverLate(at);

    expect(woke.woken, 'the late event does wake the wait').toBe(1);
    expect(thanks()).toBe(0);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'waiting', node: 'form' });
  });

  it('an interaction inside the wait moved it at its time; its event arriving after the timeout moves nothing again', async () => {
    const { w, deliverLate, thanks } = setUp();
    const start = w.now();
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
    await w.advanceTo(start + 3 * HOUR);
    w.interact('c1', 'form_submit');
    // Its event is kept; the wait's own timers see the interaction on the timeline.
    await w.advanceTo(start + 9 * DAY);
    expect(thanks()).toBe(1);

    await deliverLate(start + 3 * HOUR);

    expect(thanks()).toBe(1);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.node).not.toBe('form');
  });
});
