/**
 * Publishes the pending events of one contact the due index names (sweep-pending-events.ts): read
 * afresh, strongly consistent, and published by the rule of every publisher of pending events
 * (pending-events.ts `publishPending`: `publishableOf`, `isStale`; the same ids), which takes the contact
 * out of the index with its events. Loaded by the sweeper only when a contact is due.
 */
import type { DomainEventPublisher } from '../ports';
import { type PendingEventsDue, publishPending } from './pending-events';
import type { ContactOutbox } from './ports';
import type { ContactRef, LeftBehindOutcome } from './sweep-pending-events';

/**
 * A live contact's pending events are published (those no longer true of it dropped); a deleted one
 * publishes nothing (its events wait for its restore, which puts it back in the index) and, like one
 * with nothing left pending, is taken out of the index (`settle`). A publish that throws leaves the
 * events pending and the contact in the index; the error is thrown on.
 */
export async function publishLeftBehind(
  { workspaceId, contactId }: ContactRef,
  deps: {
    readonly contacts: ContactOutbox;
    /** The contacts' due index: a contact with nothing to publish is taken out of it. */
    readonly due: PendingEventsDue;
    readonly events: DomainEventPublisher;
  },
): Promise<LeftBehindOutcome> {
  const found = await deps.contacts.getWithPending(workspaceId, contactId);
  if (!found) return 'gone';
  if (found.contact.deletedAt || found.pending.length === 0) {
    await deps.due.settle(workspaceId, contactId);
    return 'settled';
  }
  await publishPending(deps, found.contact, found.pending);
  return 'published';
}
