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
import { MAX_CLOCK_SKEW_MS, type RecordInteractionDeps, recordInteraction } from '../crm/contacts/record-interaction';
import type { EmailTimeline } from './event-ports';

/**
 * The longest (real time) an entry stamped ahead of the timeline's clock is waited for; past it,
 * it is recorded at once, and refused if still too far ahead (its queue message is retried).
 */
const AHEAD_WAIT_LIMIT_MS = 10_000;

/**
 * @param clock campaign time (`deps.now` must be on it too): the provider stamps events in real
 *   time, placed here on the campaign clock, so locally under TIME_SCALE a delivery lands after
 *   the send and the enrolment it follows, as it does in the cloud (where the two are the same).
 * @param sleep waits `ms` real milliseconds (a timer; a test's own).
 */
export function interactionTimeline(
  deps: RecordInteractionDeps,
  clock?: Pick<Clock, 'fromReal' | 'realDelayMs'>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): EmailTimeline {
  const liveContactWith = (workspaceId: string, email: string) => liveContactIdOf(workspaceId, email, deps);
  return {
    async record(workspaceId, email, entry, named) {
      // Named: recordInteraction reads the contact anyway (a deleted one is refused there).
      const contactId = named ?? (await liveContactWith(workspaceId, email));
      if (!contactId) return 'no-contact';
      const occurredAt = clock ? clock.fromReal(Date.parse(entry.occurredAt)) : new Date(entry.occurredAt);
      // The entry keeps its event's own time, so a redelivery is the same entry (stored and scored
      // once). The timeline takes an entry at most MAX_CLOCK_SKEW_MS ahead of its clock: under
      // TIME_SCALE those minutes are a few real milliseconds, and a stamp a moment ahead of real
      // time (a provider's clock; the local stand-in stamps its webhooks up to 0.9 s ahead) is many
      // campaign minutes ahead. Such an entry waits, in real time, until the timeline takes it.
      const aheadMs = clock?.realDelayMs(new Date(occurredAt.getTime() - MAX_CLOCK_SKEW_MS)) ?? 0;
      if (aheadMs > 0 && aheadMs <= AHEAD_WAIT_LIMIT_MS) await sleep(aheadMs);
      try {
        await recordInteraction(deps, workspaceId, contactId, {
          type: entry.type,
          occurredAt: occurredAt.toISOString(),
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
