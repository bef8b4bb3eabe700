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
