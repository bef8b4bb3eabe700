/**
 * Provider events on the contact timeline, through the one interaction path
 * (recordInteraction), scored like any other interaction. The contact is the one the send named
 * (its `contact` tag: a campaign send, or a one-off send to a known contact), whatever its address
 * is now; a send that named none goes to the live contact with the address. No such contact (a
 * one-off send to someone not in the CRM, or deleted since): nothing to record.
 */

import type { Clock } from '../clock';
import { ContactNotFoundError } from '../crm/contacts/errors';
import { liveContactIdOf } from '../crm/contacts/get-contact';
import { type RecordInteractionDeps, recordInteraction } from '../crm/contacts/record-interaction';
import type { EmailTimeline } from './event-ports';

/**
 * @param clock campaign time (`deps.now` must be on it too): the provider stamps events in real
 *   time, placed here on the campaign clock, so locally under TIME_SCALE a delivery lands after
 *   the send and the enrolment it follows, as it does in the cloud (where the two are the same).
 */
export function interactionTimeline(deps: RecordInteractionDeps, clock?: Pick<Clock, 'fromReal'>): EmailTimeline {
  const liveContactWith = (workspaceId: string, email: string) => liveContactIdOf(workspaceId, email, deps);
  return {
    async record(workspaceId, email, entry, named) {
      // Named: recordInteraction reads the contact anyway (a deleted one is refused there).
      const contactId = named ?? (await liveContactWith(workspaceId, email));
      if (!contactId) return 'no-contact';
      try {
        await recordInteraction(deps, workspaceId, contactId, {
          type: entry.type,
          occurredAt: clock ? clock.fromReal(Date.parse(entry.occurredAt)).toISOString() : entry.occurredAt,
          metadata: entry.metadata,
          source: 'email-events',
          interactionId: entry.interactionId,
        });
        return 'recorded';
      } catch (error) {
        // Deleted between the lookup and the write: there is no timeline to write to.
        if (error instanceof ContactNotFoundError) return 'no-contact';
        throw error;
      }
    },
  };
}
