/**
 * A live contact of the workspace, or ContactNotFoundError (another workspace's, deleted or
 * unknown: 404 alike). A module of its own: a function that only checks a contact exists (the
 * campaigns function) does not bundle the contact field schemas and their sanitizers.
 */
import { ContactNotFoundError } from './errors';
import type { ContactStore } from './ports';

export async function getContact(
  workspaceId: string,
  contactId: string,
  deps: { contacts: Pick<ContactStore, 'get'> },
) {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  return contact;
}

/**
 * The id of the live contact with `email` in the workspace (trimmed, lower-cased as stored), if
 * any: what a send, an unsubscribe or a provider event that names no contact is about.
 */
export async function liveContactIdOf(
  workspaceId: string,
  email: string,
  deps: { contacts: Pick<ContactStore, 'findByEmails'> },
): Promise<string | undefined> {
  const found = await deps.contacts.findByEmails(workspaceId, [email.trim().toLowerCase()]);
  return [...found.values()].find((c) => !c.deletedAt)?.contactId;
}

/**
 * Who holds `email` in the workspace (trimmed, lower-cased as stored), as the sender judges a send
 * by address: the live contact's id; else the soft-deleted contact that still holds the address
 * (a soft delete keeps the email claim and the person's opt-outs, docs/CRM.md), with its CRM status
 * as read here, so the opt-outs of a person whose record was deleted still follow the address;
 * else undefined. The same one lookup as {@link liveContactIdOf} (no read more).
 */
export async function addressHolderOf(
  workspaceId: string,
  email: string,
  deps: { contacts: Pick<ContactStore, 'findByEmails'> },
): Promise<string | { contactId: string; deletedAt: string; status?: string } | undefined> {
  const found = [...(await deps.contacts.findByEmails(workspaceId, [email.trim().toLowerCase()])).values()];
  const live = found.find((c) => !c.deletedAt);
  if (live) return live.contactId;
  const deleted = found.find((c) => c.deletedAt);
  if (!deleted?.deletedAt) return undefined;
  return { contactId: deleted.contactId, deletedAt: deleted.deletedAt, status: deleted.status };
}
