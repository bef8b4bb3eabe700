/**
 * Enrolment by contact ids (`POST /api/campaigns/{id}/enrol` with `contactIds`): every id must
 * name a live contact of the workspace, or nothing is queued and the answer names the ids that
 * do not (400 CONTACTS_NOT_FOUND); a contact who may not get marketing mail (its status is
 * `unsubscribed`; unsubscribed, bounced, complained) is left out and counted, as a launch by filter
 * does ({@link leftOutOfMarketing}). The rest go on the drip-steps queue as `enrol` messages.
 */
import type { SuppressionLookup } from '../email/ports';
import { mailBlockFor } from '../email/suppression-rules';
import { ValidationError } from '../errors';
import { mapLimit } from '../resilience/map-limit';
import type { StepQueue } from './ports';

/** What an enrolment reads of a contact: whether it is live, its address, its CRM status. */
export interface AudienceContact {
  readonly email: string;
  readonly status?: string;
  readonly deletedAt?: string;
}

/** The workspace's contacts by id (a `ContactStore` is one). */
export interface AudienceContacts {
  get(workspaceId: string, contactId: string): Promise<AudienceContact | undefined>;
}

export interface EnrolByIdsDeps {
  readonly contacts: AudienceContacts;
  readonly suppressions: SuppressionLookup;
  readonly queue: StepQueue;
}

/**
 * Whether a live contact is left out of a campaign's audience (and counted as suppressed): it may
 * not get marketing mail, by its suppressions or its status (`mailBlockFor`). Every way a campaign
 * audience is built asks this; the step before each node asks the same rule (run-step.ts).
 */
export async function leftOutOfMarketing(
  workspaceId: string,
  contactId: string,
  contact: AudienceContact,
  suppressions: SuppressionLookup,
): Promise<boolean> {
  const reasons = await suppressions.reasonsFor(workspaceId, contact.email, contactId);
  return mailBlockFor(contact, reasons, 'marketing') !== undefined;
}

export async function enrolContactIds(
  input: { workspaceId: string; campaignId: string; launchId: string; contactIds: readonly string[] },
  deps: EnrolByIdsDeps,
): Promise<{ queued: number; suppressed: number }> {
  const unique = [...new Set(input.contactIds)];
  const found = await mapLimit(unique, 10, async (contactId) => {
    const contact = await deps.contacts.get(input.workspaceId, contactId);
    return contact && !contact.deletedAt ? contact : undefined;
  });
  const missing = unique.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    throw new ValidationError(
      `${missing.length} of the contact ids name no contact of this workspace (or a deleted one): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}. Nothing was enrolled.`,
      'CONTACTS_NOT_FOUND',
      { details: { missing } },
    );
  }
  const allowed = await mapLimit(unique, 10, async (contactId, i) => {
    const contact = found[i];
    if (!contact) return undefined;
    return (await leftOutOfMarketing(input.workspaceId, contactId, contact, deps.suppressions)) ? undefined : contactId;
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
