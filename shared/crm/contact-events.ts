/**
 * Domain events of contacts (on the domain-events bus; campaign triggers consume them). Each
 * detail carries an `eventId` fixed when the event is made, so a consumer can tell a redelivered
 * or re-published event from a new one (EventBridge's own id changes when an event is put again).
 */
import type { DomainEvent, DomainEventPublisher } from './ports';

export const CONTACT_CREATED_EVENT = 'contact.created';
export const TAG_ADDED_EVENT = 'contact.tag_added';
export const INTERACTION_RECORDED_EVENT = 'contact.interaction_recorded';

/** `contact.created`, and one `contact.tag_added` per tag it starts with. */
export function contactCreatedEvents(
  contact: { workspaceId: string; contactId: string; tags: readonly string[]; createdAt: string },
  newId: () => string,
): DomainEvent[] {
  const { workspaceId, contactId, createdAt } = contact;
  return [
    {
      type: CONTACT_CREATED_EVENT,
      workspaceId,
      occurredAt: createdAt,
      detail: { eventId: `created-${contactId}`, contactId, tags: [...contact.tags] },
    },
    ...tagAddedEvents(workspaceId, contactId, [], contact.tags, createdAt, newId),
  ];
}

/** One `contact.tag_added` per tag of `after` not in `before`. */
export function tagAddedEvents(
  workspaceId: string,
  contactId: string,
  before: readonly string[],
  after: readonly string[],
  occurredAt: string,
  newId: () => string,
): DomainEvent[] {
  return after
    .filter((tag) => !before.includes(tag))
    .map((tag) => ({
      type: TAG_ADDED_EVENT,
      workspaceId,
      occurredAt,
      detail: { eventId: `tag-${newId()}`, contactId, tag },
    }));
}

/** Publishes `events` when there are any. */
export async function publishAll(events: readonly DomainEvent[], publisher: DomainEventPublisher): Promise<void> {
  if (events.length > 0) await publisher.publish(events);
}
