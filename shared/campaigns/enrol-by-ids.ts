/**
 * Enrolment by contact ids (`POST /api/campaigns/{id}/enrol` with `contactIds`): every id must
 * name a live contact of the workspace, or nothing is queued and the answer names the ids that
 * do not (400 CONTACTS_NOT_FOUND); a contact who may not get marketing mail (unsubscribed,
 * bounced, complained) is left out and counted, as a launch by filter does. The rest go on the
 * drip-steps queue as `enrol` messages.
 */
import type { ContactStore } from '../crm/contacts/ports';
import type { SuppressionLookup } from '../email/ports';
import { blockingSuppression } from '../email/suppression-rules';
import { ValidationError } from '../errors';
import { mapLimit } from '../resilience/map-limit';
import type { StepQueue } from './ports';

export interface EnrolByIdsDeps {
  readonly contacts: Pick<ContactStore, 'get'>;
  readonly suppressions: SuppressionLookup;
  readonly queue: StepQueue;
}

export async function enrolContactIds(
  input: { workspaceId: string; campaignId: string; launchId: string; contactIds: readonly string[] },
  deps: EnrolByIdsDeps,
): Promise<{ queued: number; suppressed: number }> {
  const unique = [...new Set(input.contactIds)];
  const found = await mapLimit(unique, 10, async (contactId) => {
    const contact = await deps.contacts.get(input.workspaceId, contactId);
    return contact && !contact.deletedAt ? { contactId, email: contact.email } : undefined;
  });
  const missing = unique.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    throw new ValidationError(
      `${missing.length} of the contact ids name no contact of this workspace (or a deleted one): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}. Nothing was enrolled.`,
      'CONTACTS_NOT_FOUND',
      { details: { missing } },
    );
  }
  const allowed = await mapLimit(found, 10, async (contact) => {
    if (!contact) return undefined;
    const reasons = await deps.suppressions.reasonsFor(input.workspaceId, contact.email, contact.contactId);
    return blockingSuppression(reasons, 'marketing') ? undefined : contact.contactId;
  });
  const ids = allowed.filter((id): id is string => id !== undefined);
  await deps.queue.sendAll(
    ids.map((contactId) => ({
      kind: 'enrol' as const,
      workspaceId: input.workspaceId,
      campaignId: input.campaignId,
      contactId,
      launchId: input.launchId,
    })),
  );
  return { queued: ids.length, suppressed: unique.length - ids.length };
}
