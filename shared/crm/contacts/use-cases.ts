/**
 * Contacts of a workspace: create, read, change, soft delete and restore, list. Every
 * function takes the workspace id the edge resolved; a contact of another workspace is
 * simply not found (404), never told apart from a missing one.
 */
import { contactCreatedEvents, publishAll, tagAddedEvents } from '../contact-events';
import type { Contact } from '../model';
import type { DomainEventPublisher } from '../ports';
import { CLEARABLE_FIELDS, type ContactCreateInput, type ContactPatchInput } from './contact-fields';
import { ContactNotFoundError, UnknownOwnerError } from './errors';
import { getContact } from './get-contact';

export { getContact };

import type { ContactChanges, ContactFilter, ContactPage, ContactStore, PageRequest } from './ports';

export interface ContactDeps {
  readonly contacts: ContactStore;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Where `contact.created` and `contact.tag_added` go (contact-events.ts): campaign triggers and wake-ups. */
  readonly events: DomainEventPublisher;
  /**
   * The workspace's members: an `ownerUserId` must name one. Read only when a write sets an
   * owner; without it such a write fails (never stores an unchecked owner).
   */
  readonly members?: OwnerMembers;
}

/** Who may own a contact: the workspace's members (the memberships store). */
export interface OwnerMembers {
  find(workspaceId: string, userId: string): Promise<unknown>;
}

/**
 * Refuses an owner who is not a member of the workspace (400 `UNKNOWN_OWNER`, naming the
 * field): one membership read, only when an owner is given.
 */
export async function assertOwnerMember(
  workspaceId: string,
  ownerUserId: string | undefined,
  members: OwnerMembers | undefined,
): Promise<void> {
  if (ownerUserId === undefined) return;
  if (!members) throw new Error('No membership lookup to check ownerUserId against');
  if (!(await members.find(workspaceId, ownerUserId))) throw new UnknownOwnerError(ownerUserId);
}

/** A new contact from validated input: score 0, tier cold, status `lead` unless given. */
export function newContact(workspaceId: string, input: ContactCreateInput, id: string, at: string): Contact {
  return {
    contactId: id,
    workspaceId,
    ...defined({
      firstName: input.firstName,
      lastName: input.lastName,
      phone: input.phone,
      company: input.company,
      jobTitle: input.jobTitle,
      ownerUserId: input.ownerUserId,
    }),
    email: input.email,
    status: input.status ?? 'lead',
    tags: input.tags ?? [],
    customFields: input.customFields ?? {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Creates a contact.
 * @throws ContactEmailTakenError (409 `CONTACT_EMAIL_TAKEN`) when the email is in use in the
 * workspace, by a deleted contact too (the details name it and how to restore it);
 * UnknownOwnerError (400 `UNKNOWN_OWNER`) when `ownerUserId` is not a member of the workspace.
 */
export async function createContact(workspaceId: string, input: ContactCreateInput, deps: ContactDeps) {
  await assertOwnerMember(workspaceId, input.ownerUserId, deps.members);
  const contact = newContact(workspaceId, input, deps.newId(), deps.now().toISOString());
  await deps.contacts.create(contact);
  await publishAll(contactCreatedEvents(contact, deps.newId), deps.events);
  return contact;
}

/**
 * Applies a PATCH: only fields that differ are written; `null` clears an optional field. A new
 * `ownerUserId` must be a member of the workspace.
 * @throws ContactNotFoundError, ContactEmailTakenError, UnknownOwnerError, ContactChangedError
 */
export async function updateContact(
  workspaceId: string,
  contactId: string,
  patch: ContactPatchInput,
  deps: ContactDeps,
): Promise<Contact> {
  const before = await getContact(workspaceId, contactId, deps);
  const changes = diff(before, patch);
  if (Object.keys(changes).length === 0) return before;
  await assertOwnerMember(workspaceId, changes.ownerUserId, deps.members);
  const updatedAt = deps.now().toISOString();
  const after = await deps.contacts.update(before, { ...changes, updatedAt });
  if (changes.tags) {
    const added = tagAddedEvents(workspaceId, contactId, before.tags, changes.tags, updatedAt, deps.newId);
    await publishAll(added, deps.events);
  }
  return after;
}

/** The fields of `patch` that change `before` (`undefined` = remove). */
export function diff(before: Contact, patch: ContactPatchInput): ContactChanges {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const next = value === null && (CLEARABLE_FIELDS as readonly string[]).includes(key) ? undefined : value;
    if (!sameValue(before[key as keyof Contact], next)) changes[key] = next;
  }
  return changes as ContactChanges;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => ra[k] === rb[k]);
  }
  return a === b;
}

/** Soft delete: hidden from get and list; the email stays claimed until restored or purged. */
export async function deleteContact(workspaceId: string, contactId: string, deps: ContactDeps) {
  await getContact(workspaceId, contactId, deps);
  const at = deps.now().toISOString();
  await deps.contacts.setDeleted(workspaceId, contactId, at, at);
}

/** Brings a soft-deleted contact back (idempotent on a live one). @throws ContactNotFoundError */
export async function restoreContact(workspaceId: string, contactId: string, deps: ContactDeps): Promise<Contact> {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact) throw new ContactNotFoundError();
  if (!contact.deletedAt) return contact;
  const at = deps.now().toISOString();
  await deps.contacts.setDeleted(workspaceId, contactId, undefined, at);
  const { deletedAt: _gone, ...live } = contact;
  return { ...live, updatedAt: at };
}

/** A page of live contacts matching `filter` (the store matches `q` in any case, as every caller needs). */
export async function listContacts(
  workspaceId: string,
  filter: ContactFilter,
  page: PageRequest,
  deps: Pick<ContactDeps, 'contacts'>,
): Promise<ContactPage> {
  return deps.contacts.list(workspaceId, filter, page);
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
