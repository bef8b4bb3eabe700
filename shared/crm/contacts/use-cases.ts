/**
 * Contacts of a workspace: create, read, change, soft delete and restore, list. Every
 * function takes the workspace id the edge resolved; a contact of another workspace is
 * simply not found (404), never told apart from a missing one.
 */
import type { AuditInWrite } from '../../identity/ports';
import { CONTACT_CREATED_EVENT, contactCreatedEvents, tagAddedEvents } from '../contact-events';
import type { Contact } from '../model';
import type { DomainEventPublisher } from '../ports';
import { CLEARABLE_FIELDS, type ContactCreateInput, type ContactPatchInput } from './contact-fields';
import { ContactEmailTakenError, ContactNotFoundError, UnknownOwnerError } from './errors';
import { getContact } from './get-contact';
import { publishPending } from './pending-events';

export { getContact, publishPending };

import type { ContactChanges, ContactFilter, ContactOutbox, ContactPage, ContactStore, PageRequest } from './ports';
import { heldTag } from './tag-field';

export interface ContactDeps {
  /** The contacts, with the events their writes left pending ({@link ContactOutbox}). */
  readonly contacts: ContactStore & ContactOutbox;
  readonly now: () => Date;
  readonly newId: () => string;
  /**
   * Where `contact.created` and `contact.tag_added` go (contact-events.ts): campaign triggers and
   * wake-ups. Each write records its events as pending in the write itself and drops them once
   * published ({@link publishPending}), so a publish that fails is made again by the retry.
   */
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
 * Creates a contact. Its events (`contact.created`, a `contact.tag_added` per tag) are written with
 * it as pending and published after the write; when that publish fails (a 5xx for a contact that
 * landed), the retry meets the contact and publishes them (see {@link finishRetriedCreate}).
 * @throws ContactEmailTakenError (409 `CONTACT_EMAIL_TAKEN`) when the email is in use in the
 * workspace, by a deleted contact too (the details name it and how to restore it);
 * UnknownOwnerError (400 `UNKNOWN_OWNER`) when `ownerUserId` is not a member of the workspace.
 * `audit`: the request's audit entry, written with the contact when the store can; its actor is
 * who asks for the create (kept with the pending `contact.created`: only that caller's retry is
 * answered with the contact).
 */
export async function createContact(
  workspaceId: string,
  input: ContactCreateInput,
  deps: ContactDeps,
  audit?: AuditInWrite<Contact>,
): Promise<Contact> {
  await assertOwnerMember(workspaceId, input.ownerUserId, deps.members);
  const contact = newContact(workspaceId, input, deps.newId(), deps.now().toISOString());
  const events = contactCreatedEvents(contact, deps.newId);
  const record = audit?.recordFor(contact);
  try {
    await deps.contacts.create(contact, {
      events,
      ...(audit && record ? { audit: { record, markWritten: audit.markWritten }, requestedBy: record.actorId } : {}),
    });
  } catch (error) {
    if (error instanceof ContactEmailTakenError) {
      return finishRetriedCreate(workspaceId, input, error, deps, { requestedBy: record?.actorId, audit });
    }
    throw error;
  }
  await publishPending(deps, contact, events);
  return contact;
}

/**
 * A create whose email is taken. The contact holding it is this request's own when its creation
 * was never published (`contact.created` still pending: an earlier attempt wrote it, then its
 * publish failed or it stopped), that attempt was this caller's (`requestedBy`), and it is exactly
 * what this input creates: the request is a retry, so its pending events are published (same ids)
 * and the contact is answered as created (201), which also lets the caller finish what the failed
 * attempt left undone (consent). The create is audited once: when the earlier attempt's entry was
 * written with the contact, this request's is marked written (the edge writes no second one).
 * Anything else keeps the 409, after publishing whatever the live holder still has pending: another
 * caller's identical create in that window is a duplicate (never recorded as their create, and
 * never answered with the contact, which they may have no right to read).
 */
async function finishRetriedCreate(
  workspaceId: string,
  input: ContactCreateInput,
  taken: ContactEmailTakenError,
  deps: ContactDeps,
  request: { readonly requestedBy: string | undefined; readonly audit: AuditInWrite<Contact> | undefined },
): Promise<Contact> {
  const holderId = taken.details.contactId;
  if (holderId === undefined || taken.details.deleted) throw taken;
  const found = await deps.contacts.getWithPending(workspaceId, holderId);
  if (!found || found.contact.deletedAt || found.pending.length === 0) throw taken;
  await publishPending(deps, found.contact, found.pending);
  const unpublished = found.pending.some((e) => e.type === CONTACT_CREATED_EVENT && e.detail.contactId === holderId);
  const sameCaller = found.created !== undefined && found.created.requestedBy === request.requestedBy;
  if (!unpublished || !sameCaller || !createdAs(found.contact, input)) throw taken;
  if (found.created?.audited) request.audit?.markWritten();
  return found.contact;
}

/** Whether `stored` holds every field as a create of `input` writes it. */
function createdAs(stored: Contact, input: ContactCreateInput): boolean {
  const made = newContact(stored.workspaceId, input, stored.contactId, stored.createdAt);
  const fields = new Set([...Object.keys(made), ...Object.keys(stored)]);
  for (const key of ['score', 'tier', 'updatedAt', 'lastInteractionAt', 'aiSignals']) fields.delete(key);
  return [...fields].every((k) => sameValue(made[k as keyof Contact], stored[k as keyof Contact]));
}

/**
 * Applies a PATCH: only fields that differ are written; `null` clears an optional field. A new
 * `ownerUserId` must be a member of the workspace. The `contact.tag_added` of each added tag is
 * written with the change as pending and published after it, with what the contact has pending as
 * read right after the write (what earlier writes left; a tag this PATCH removes took its pending
 * event with it): a retry of a PATCH whose publish failed finds nothing to change and publishes
 * them (same ids). Pending events stay bounded (one per tag, pending-events.ts), so the write never
 * fails for them, whatever the publishes did.
 * @throws ContactNotFoundError, ContactEmailTakenError, UnknownOwnerError, ContactChangedError
 */
export async function updateContact(
  workspaceId: string,
  contactId: string,
  patch: ContactPatchInput,
  deps: ContactDeps,
): Promise<Contact> {
  const found = await deps.contacts.getWithPending(workspaceId, contactId);
  if (!found || found.contact.deletedAt) throw new ContactNotFoundError();
  const { contact: before, pending } = found;
  const changes = diff(before, patch);
  if (Object.keys(changes).length === 0) {
    await publishPending(deps, before, pending);
    return before;
  }
  await assertOwnerMember(workspaceId, changes.ownerUserId, deps.members);
  const updatedAt = deps.now().toISOString();
  const added = changes.tags
    ? tagAddedEvents(workspaceId, contactId, before.tags, changes.tags, updatedAt, deps.newId)
    : [];
  // What the contact has pending once written (this write's events, if it made them); when the
  // store wrote nothing (a concurrent write made the change), what was read.
  let pendingNow = pending;
  const after = await deps.contacts.update(
    before,
    { ...changes, updatedAt },
    {
      ...(added.length > 0 ? { events: added } : {}),
      onPending: (now) => {
        pendingNow = now;
      },
    },
  );
  await publishPending(deps, after, pendingNow);
  return after;
}

/** The fields of `patch` that change `before` (`undefined` = remove). */
export function diff(before: Contact, patch: ContactPatchInput): ContactChanges {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    let next = value === null && (CLEARABLE_FIELDS as readonly string[]).includes(key) ? undefined : value;
    // A tag the contact holds keeps its stored spelling (one stored before tags were NFC): not a new tag.
    if (key === 'tags' && Array.isArray(next))
      next = [...new Set(next.map((t: string) => heldTag(before.tags, t) ?? t))];
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

/**
 * Brings a soft-deleted contact back (idempotent on a live one), then publishes the events its
 * writes left pending (kept while it was deleted: those no longer true of it, pending-events.ts
 * `isStale`, are dropped).
 * @throws ContactNotFoundError
 */
export async function restoreContact(workspaceId: string, contactId: string, deps: ContactDeps): Promise<Contact> {
  const found = await deps.contacts.getWithPending(workspaceId, contactId);
  if (!found) throw new ContactNotFoundError();
  const { contact, pending } = found;
  if (!contact.deletedAt) {
    await publishPending(deps, contact, pending);
    return contact;
  }
  const at = deps.now().toISOString();
  await deps.contacts.setDeleted(workspaceId, contactId, undefined, at);
  const { deletedAt: _gone, ...live } = contact;
  const restored = { ...live, updatedAt: at };
  // Those still true of the contact restored (its tags and tier as read).
  await publishPending(deps, restored, pending);
  return restored;
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
