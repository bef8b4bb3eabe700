/**
 * Provider events on the contact timeline, through the one interaction path
 * (recordInteraction): the live contact with the address gets the interaction, scored like any
 * other. No contact with that address (a one-off send to someone not in the CRM, or deleted
 * since): nothing to record.
 */
import { ContactNotFoundError } from '../crm/contacts/errors';
import { type RecordInteractionDeps, recordInteraction } from '../crm/contacts/record-interaction';
import type { EmailTimeline } from './event-ports';

export function interactionTimeline(deps: RecordInteractionDeps): EmailTimeline {
  return {
    async record(workspaceId, email, entry) {
      const found = await deps.contacts.findByEmails(workspaceId, [email]);
      const contact = [...found.values()].find((c) => !c.deletedAt);
      if (!contact) return 'no-contact';
      try {
        await recordInteraction(deps, workspaceId, contact.contactId, {
          type: entry.type,
          occurredAt: entry.occurredAt,
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
