/**
 * The slots of a contact's pending events (ContactOutbox): what a write of the contact records and
 * drops. A contact holds at most one pending event per slot: its `contact.created`, and one
 * `contact.tag_added` per tag it holds. A write records the `tag_added` of a tag only when it adds
 * that tag (rebased onto a concurrent write that added it first, it records none: one event per
 * addition), and drops the pending `tag_added` of every tag it removes (a campaign is never started
 * for a tag the contact no longer has). So the pending events stay within 1 + MAX_TAGS whatever the
 * publishes do. Both stores (DynamoDB, and the in-memory one of the tests) follow this.
 */
import { CONTACT_CREATED_EVENT, TAG_ADDED_EVENT } from '../contact-events';
import type { Contact } from '../model';
import type { DomainEvent } from '../ports';
import type { ContactChanges } from './ports';

const tagSlot = (tag: string) => `tag:${tag}`;

/** The slot an event is kept in while pending. */
export function pendingSlotOf(event: DomainEvent): string {
  if (event.type === CONTACT_CREATED_EVENT) return 'created';
  if (event.type === TAG_ADDED_EVENT) return tagSlot(String(event.detail.tag));
  return `event:${String(event.detail.eventId)}`;
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

/** A pending `tag_added` whose tag the contact no longer holds: dropped, never published. */
export const isStale = (event: DomainEvent, contact: Pick<Contact, 'tags'>): boolean =>
  event.type === TAG_ADDED_EVENT && !contact.tags.includes(String(event.detail.tag));
