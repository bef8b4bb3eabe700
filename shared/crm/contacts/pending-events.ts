/**
 * The slots of a contact's pending events (ContactOutbox): what a write of the contact records and
 * drops. A contact holds at most one pending event per slot: its `contact.created`, and one
 * `contact.tag_added` per tag it holds. A write records the `tag_added` of a tag only when it adds
 * that tag (rebased onto a concurrent write that added it first, it records none: one event per
 * addition), and drops the pending `tag_added` of every tag it removes (a campaign is never started
 * for a tag the contact no longer has). So the pending events stay within 1 + MAX_TAGS whatever the
 * publishes do. Both stores (DynamoDB, and the in-memory one of the tests) follow this.
 *
 * One more kind of slot, `event:<eventId>`, holds the events of an interaction (its
 * `contact.interaction_recorded`, a tier crossing) that neither the bus nor the queue fallback took
 * ({@link keepOnTheirContacts}): kept there only then, after the interaction's write, so the
 * interaction's request answers its 201 instead of an error whose retry would record a second
 * interaction. At most {@link MAX_KEPT_EVENTS} of them, {@link MAX_KEPT_BYTES} in all, per contact
 * (beyond that an event is lost, logged and counted: fallback-events.ts); published, like the
 * others, by the contact's next write that publishes its pending events (a PATCH, a restore, the
 * retry of its create).
 *
 * Whatever no write publishes is published by the sweep (sweep-pending-events.ts): each write that
 * records pending events (a create, a PATCH adding tags, a keep, a restore of a contact holding some)
 * also puts the contact in a sparse, sharded due index in the same write, due 5 minutes after it
 * (`PENDING_EVENTS_GRACE_MS`), and the publish that empties them ({@link publishPending}) takes it
 * out in its own write; the campaign sweeper (every 5 minutes) publishes, by the same rule, each
 * contact still there when due ({@link PendingEventsDue}). So an event whose publish was lost (the
 * process died after the write, or the bus and the queue both failed and the request was never
 * retried) goes out within 10 minutes of the last write that recorded events on its contact, once
 * the bus or the queue takes it again. A deleted contact is taken out of the index (its restore puts
 * it back): nothing of it goes out while it is deleted.
 *
 * Whatever its slot, a pending event goes out only while what it says is still true of the contact
 * as the publishing write read it ({@link isStale}, the one rule of every publisher of pending
 * events, {@link publishableOf}): otherwise it is dropped unpublished, since a campaign trigger
 * enrols on what the event names alone (trigger-from-event.ts never reads the contact again).
 */
import { CONTACT_CREATED_EVENT, TAG_ADDED_EVENT } from '../contact-events';
import type { Contact } from '../model';
import type { DomainEvent, DomainEventPublisher } from '../ports';
import { THRESHOLD_EVENT } from '../scoring/score-interaction';
import type { ContactChanges, ContactOutbox } from './ports';
import { holdsTag } from './tag-field';

const tagSlot = (tag: string) => `tag:${tag}`;
/** The prefix of the slots of kept events (an interaction's events no publish took). */
export const KEPT_SLOT_PREFIX = 'event:';

/** The slot an event is kept in while pending. */
export function pendingSlotOf(event: DomainEvent): string {
  if (event.type === CONTACT_CREATED_EVENT) return 'created';
  if (event.type === TAG_ADDED_EVENT) return tagSlot(String(event.detail.tag));
  return `${KEPT_SLOT_PREFIX}${String(event.detail.eventId)}`;
}

/**
 * What writing `change` onto the contact as read (`read`, whose tags the write is conditional on)
 * does to its pending events: the `events` it records (a `tag_added` only for a tag it adds) and
 * the slots it empties (those of the tags it removes).
 */
export function pendingChange(
  read: Pick<Contact, 'tags'>,
  change: ContactChanges,
  events: readonly DomainEvent[],
): { readonly record: DomainEvent[]; readonly drop: string[] } {
  const tags = change.tags;
  if (tags === undefined) return { record: events.filter((e) => e.type !== TAG_ADDED_EVENT), drop: [] };
  const added = new Set(tags.filter((t) => !read.tags.includes(t)));
  return {
    record: events.filter((e) => e.type !== TAG_ADDED_EVENT || added.has(String(e.detail.tag))),
    drop: read.tags.filter((t) => !tags.includes(t)).map(tagSlot),
  };
}

/**
 * Whether a pending event no longer tells the truth of `contact` (as the publishing write read it,
 * live): then it is dropped, never published. `pending` is every event the contact has pending (a
 * later kept crossing tells of a tier change this one does not know of).
 * - `contact.tag_added`: stale once the contact no longer holds the tag (a campaign is never
 *   started for a tag the contact no longer has).
 * - `contact.score_threshold_crossed` (kept: no publish took it): stale once the contact's tier is
 *   not its `toTier` (the score moved on: a `score-tier` campaign is never started for a tier the
 *   contact has left, and waiting enrolments never see tiers arrive out of order), or
 *   when a later crossing is pending too (the contact left `toTier` after it: only the latest says
 *   where it stands). A crossing into the tier the contact came back to, its leaving and return
 *   published at the time, goes out: it still tells the contact's tier.
 * - `contact.interaction_recorded` (kept): never stale. The interaction happened and stays on the
 *   contact's timeline; the event carries its `occurredAt`, and what it may start or wake judges
 *   by the interaction's time read from the timeline (windows.ts, conditions.ts), not by the
 *   delivery's: a late delivery answers no wait that began after the interaction and counts in no
 *   window it was not in; it only starts its `interaction` campaigns and wakes enrolments later.
 * - `contact.created`: never stale (its publish is what a retried create finishes).
 */
export function isStale(
  event: DomainEvent,
  contact: Pick<Contact, 'tags' | 'tier'>,
  pending: readonly DomainEvent[] = [],
): boolean {
  if (event.type === TAG_ADDED_EVENT) return !holdsTag(contact.tags, String(event.detail.tag));
  if (event.type !== THRESHOLD_EVENT) return false;
  if (event.detail.toTier !== contact.tier) return true;
  const at = Date.parse(event.occurredAt);
  return pending.some((other) => other.type === THRESHOLD_EVENT && Date.parse(other.occurredAt) > at);
}

/**
 * What a write that publishes the pending `events` of `contact` (as it read it) does with them:
 * `publish` those still true ({@link isStale}), `drop` the others unpublished. A contact deleted
 * meanwhile (soft: `deletedAt`) publishes and drops nothing: its events wait with it (no write
 * publishes them while it is deleted: its PATCH is a 404, a create meeting its email a 409), and
 * its restore publishes those still true of it as restored.
 */
export function publishableOf(
  contact: Pick<Contact, 'tags' | 'tier' | 'deletedAt'>,
  events: readonly DomainEvent[],
): { readonly publish: DomainEvent[]; readonly drop: DomainEvent[] } {
  if (contact.deletedAt) return { publish: [], drop: [] };
  const publish: DomainEvent[] = [];
  const drop: DomainEvent[] = [];
  for (const event of events) (isStale(event, contact, events) ? drop : publish).push(event);
  return { publish, drop };
}

/**
 * Publishes the events a write of `contact` recorded as pending (its own, and any an earlier write
 * left, kept interaction events too), then drops them from the contact. An event no longer true of
 * `contact` as read ({@link isStale}: a `contact.tag_added` whose tag it no longer holds, a kept tier
 * crossing into a tier it has left) is dropped unpublished; a deleted contact's events wait for its
 * restore ({@link publishableOf}). A publish that throws leaves them pending for the retry (and the
 * sweep); the ids are those recorded, so a consumer that saw them already skips them. Every
 * publisher of pending events goes through it: the contact use cases (use-cases.ts) and the sweep
 * (publish-left-behind.ts). `events` is every event the contact has pending as read: dropping them
 * takes the contact out of the due index too (`ContactOutbox.published`).
 */
export async function publishPending(
  deps: { readonly contacts: Pick<ContactOutbox, 'published'>; readonly events: DomainEventPublisher },
  contact: Pick<Contact, 'workspaceId' | 'contactId' | 'tags' | 'tier' | 'deletedAt'>,
  events: readonly DomainEvent[],
): Promise<void> {
  const { publish, drop } = publishableOf(contact, events);
  if (publish.length > 0) await deps.events.publish(publish);
  if (publish.length + drop.length > 0) {
    await deps.contacts.published(contact.workspaceId, contact.contactId, [...publish, ...drop]);
  }
}

/** Kept events a contact holds at most (slots `event:<eventId>`): a burst during an outage stays bounded. */
export const MAX_KEPT_EVENTS = 25;
/**
 * Bytes of kept events (slot names and JSON) a contact holds at most: with the 1 + MAX_TAGS events
 * of its other slots (under 40 KB) and its own fields, the item stays far below DynamoDB's 400 KB,
 * so no write of the contact is refused for them (an event's detail may carry up to 8 KB of an
 * interaction's `suspectedBot` metadata).
 */
export const MAX_KEPT_BYTES = 32 * 1024;

/** A kept event as stored: its slot's attribute name and its JSON. */
export interface KeptSlot {
  readonly name: string;
  readonly value: string;
}

/**
 * Which of `events` fit beside the kept events a contact holds (`held`), in order: each that keeps
 * the contact within {@link MAX_KEPT_EVENTS} and {@link MAX_KEPT_BYTES}; `over` the others.
 * `nameOf` is the attribute an event is stored under (the store's).
 */
export function keptRoom(
  held: readonly KeptSlot[],
  events: readonly DomainEvent[],
  nameOf: (event: DomainEvent) => string,
): { readonly keep: DomainEvent[]; readonly over: DomainEvent[] } {
  let count = held.length;
  let bytes = held.reduce((sum, slot) => sum + Buffer.byteLength(slot.name) + Buffer.byteLength(slot.value), 0);
  const keep: DomainEvent[] = [];
  const over: DomainEvent[] = [];
  for (const event of events) {
    const size = Buffer.byteLength(nameOf(event)) + Buffer.byteLength(JSON.stringify(event));
    if (count + 1 > MAX_KEPT_EVENTS || bytes + size > MAX_KEPT_BYTES) {
      over.push(event);
      continue;
    }
    keep.push(event);
    count += 1;
    bytes += size;
  }
  return { keep, over };
}

/**
 * The due index of pending events (beside the contacts store: dynamo-contact-events-due.ts): a write that
 * records pending events puts the contact in it, due `PENDING_EVENTS_GRACE_MS` later
 * (sweep-pending-events.ts), and the publish that empties them (`ContactOutbox.published`, given
 * every event it read) takes it out.
 */
export interface PendingEventsDue {
  /**
   * Takes the contact out of the due index when it holds nothing the sweep may publish, as read
   * afresh: it is deleted (its restore puts it back while it holds pending events), or nothing is
   * pending any more (a write removed the tags whose events were). Only while no write recorded an
   * event since that read; a contact holding live pending events stays (a publish takes it out).
   */
  settle(workspaceId: string, contactId: string): Promise<void>;
}

/** Where events no publish took are kept: their contact's `event:<eventId>` slots (the contacts store). */
export interface KeptEventsStore {
  /**
   * Keeps `events` pending on the contact, as many as its kept bound allows (already kept ones
   * count as kept); answers those it did not keep (the contact gone, or over the bound).
   */
  keepPending(workspaceId: string, contactId: string, events: readonly DomainEvent[]): Promise<DomainEvent[]>;
}

/**
 * The `keep` of a publisher whose request must not fail once its write landed (the interaction
 * route, fallback-events.ts `whenLost`): each event no publish took is kept on the contact its
 * detail names; answers those it could not keep (no contact named, or over the contact's bound).
 */
export function keepOnTheirContacts(store: KeptEventsStore) {
  return async (events: readonly DomainEvent[]): Promise<DomainEvent[]> => {
    const notKept: DomainEvent[] = [];
    const byContact = new Map<string, { workspaceId: string; contactId: string; events: DomainEvent[] }>();
    for (const event of events) {
      const contactId = event.detail.contactId;
      if (typeof contactId !== 'string' || event.detail.eventId === undefined) {
        notKept.push(event);
        continue;
      }
      const key = `${event.workspaceId}/${contactId}`;
      const group = byContact.get(key) ?? { workspaceId: event.workspaceId, contactId, events: [] };
      group.events.push(event);
      byContact.set(key, group);
    }
    for (const group of byContact.values()) {
      notKept.push(...(await store.keepPending(group.workspaceId, group.contactId, group.events)));
    }
    return notKept;
  };
}
