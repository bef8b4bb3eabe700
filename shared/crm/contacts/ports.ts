/** What the contacts use cases need from storage; adapters in shared/adapters/dynamo-*.ts. */
import type { AuditRecord } from '../../identity/ports';
import type { Contact, Interaction } from '../model';
import type { DomainEvent } from '../ports';

export interface ContactFilter {
  readonly status?: Contact['status'];
  readonly tag?: string;
  readonly minScore?: number;
  readonly maxScore?: number;
  readonly tier?: Contact['tier'];
  /**
   * A substring of name, email or company, in any case and Unicode form: the store compares it
   * folded with the contact's folded `search` text (`searchQueries`, search.ts), so every caller
   * (the list, the export, a launch's or a schedule's audience) selects the same contacts.
   */
  readonly q?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** A page of a contact list, and the order to page in. */
export interface ContactListRequest extends PageRequest {
  /**
   * `key`: the contacts' own key order (by contact id), which no change to a contact moves, so a
   * reader paging through a whole selection meets every contact that matched throughout exactly
   * once (a launch's audience). Absent: the list's order, which for a `tier` filter is best score
   * first: a contact whose score changes between two pages may move across the cursor (shown
   * twice, or not at all), acceptable for a person browsing, not for a reader that acts on each.
   */
  readonly order?: 'key';
}

export interface ContactPage {
  readonly contacts: Contact[];
  readonly nextCursor?: string;
}

/** Fields a change sets (`undefined` values are removed from the item). */
export type ContactChanges = Partial<Omit<Contact, 'contactId' | 'workspaceId' | 'score' | 'tier' | 'createdAt'>>;

export interface ContactUpdateOptions {
  /**
   * The key of the effect this change is (a journey action's step key): claimed in the same
   * write as the change, so the change is made once per key. A change under a key claimed
   * already (the step delivered again, a failed enrolment retried) writes nothing, whatever the
   * contact holds now. A change the contact already holds writes nothing but the claim: the key's
   * effect is decided once, so a later run under it never acts on a newer contact.
   */
  readonly effectKey?: string;
  /**
   * The change holds only while the contact has this email (an import row, matched by email): each
   * attempt is conditional on it, and a contact found at another address throws
   * ContactEmailMovedError with nothing written.
   */
  readonly ifEmail?: string;
  /**
   * The domain events this change publishes once written (contact-events.ts): recorded as pending
   * on the contact in the same write, so a retry, or the next write of the contact, that finds them
   * publishes them again with the same ids ({@link ContactOutbox}); failing those, the sweep does. Only what the write as made
   * does is recorded: a `contact.tag_added` when the write (rebased or not) adds its tag, none when
   * another write added the tag first. A change that writes nothing records none.
   */
  readonly events?: readonly DomainEvent[];
  /**
   * Told, once the change is written, the contact's pending events as read right after the write
   * (this write's, and any an earlier write left): what the writer publishes. Not called when
   * nothing was written.
   */
  readonly onPending?: (pending: readonly DomainEvent[]) => void;
}

/** How a new contact is written. */
export interface ContactCreateOptions {
  /** The events the create publishes (`contact.created`...), recorded as pending in its write. */
  readonly events?: readonly DomainEvent[];
  /**
   * The request's audit entry, written in the create's transaction; `markWritten` is called once it
   * is committed. A store without an audit table leaves it to the edge.
   */
  readonly audit?: { readonly record: AuditRecord; readonly markWritten: () => void };
  /**
   * Who asks for the create (the caller's user id), kept with the pending `contact.created`
   * ({@link PendingCreate}): a retry is told from another caller's identical create by it.
   */
  readonly requestedBy?: string;
}

/** The create whose `contact.created` is still pending: who asked for it, and whether its audit entry was written with it. */
export interface PendingCreate {
  readonly requestedBy?: string;
  readonly audited: boolean;
}

/**
 * The domain events a contact write recorded with itself and whose publish is not known to be done
 * (the outbox of contact-events.ts, as a score change keeps its tier crossing on its claim): the
 * writer publishes them after the write and then drops them; a retry that finds its change already
 * made, or any later write of the contact, publishes what is still pending (same event ids:
 * consumers dedupe on them). What no such request publishes, the campaign sweeper does: each write
 * that records them puts the contact in their due index, a grace later (pending-events.ts
 * `PendingEventsDue`, sweep-pending-events.ts).
 *
 * Bounded by construction, whatever the publishes do: a contact holds at most one pending event
 * per slot, `contact.created` and one `contact.tag_added` per tag it holds (a write that adds a tag
 * records its event; a write that removes the tag, whichever, drops it: the tag is no longer
 * there to announce). So at most 1 + MAX_TAGS events of a few hundred bytes each (under 40 KB),
 * beside a contact whose own fields the schemas bound: no write of the contact (a PATCH, an
 * import row, an interaction's score) is ever refused for its pending events, and none is dropped
 * for room. An interaction's events no publish took are kept in slots of their own, within a bound
 * of their own (pending-events.ts `MAX_KEPT_EVENTS`, `MAX_KEPT_BYTES`).
 */
export interface ContactOutbox {
  /**
   * The contact as stored (deleted ones too) with its pending events (oldest first) and, while its
   * `contact.created` is pending, that create's {@link PendingCreate}; undefined when absent.
   */
  getWithPending(
    workspaceId: string,
    contactId: string,
  ): Promise<
    | { readonly contact: Contact; readonly pending: readonly DomainEvent[]; readonly created?: PendingCreate }
    | undefined
  >;
  /**
   * Drops these events (published, or stale) from the contact's pending ones, each only while its
   * slot still holds it (a newer event a concurrent write put there stays); a missing contact or
   * event: nothing to do.
   */
  published(workspaceId: string, contactId: string, events: readonly DomainEvent[]): Promise<void>;
}

/** Whether an effect was made on a contact: its key claimed by {@link ContactStore.update}. */
export interface ContactEffects {
  /**
   * True when a change under `effectKey` was made on the contact (its key claimed), however long
   * ago: that effect is done, whatever the contact holds now. Strongly consistent.
   */
  effectClaimed(workspaceId: string, contactId: string, effectKey: string): Promise<boolean>;
}

/** One write of a bulk import. */
export type ContactWrite =
  | { readonly kind: 'create'; readonly contact: Contact }
  | { readonly kind: 'update'; readonly before: Contact; readonly changes: ContactChanges };

export interface ContactStore {
  /** The contact, soft-deleted ones included (`deletedAt` set); undefined when absent. */
  get(workspaceId: string, contactId: string): Promise<Contact | undefined>;
  /** Contacts owning these (lower-cased) emails, deleted ones included, keyed by email. Strongly consistent. */
  findByEmails(workspaceId: string, emails: readonly string[]): Promise<Map<string, Contact>>;
  /**
   * Writes a new contact and its email claim atomically (with `options.events` as pending).
   * @throws ContactEmailTakenError when another contact holds the email.
   */
  create(contact: Contact, options?: ContactCreateOptions): Promise<void>;
  /**
   * Applies `changes` to a live contact (moving the email claim when the email changes) and
   * answers the contact as stored. The write is what `changes` makes of `before`, the read it was
   * computed from: it lands only onto the stored values it derives from (`tags` and
   * `customFields` when it changes them, the search inputs when it changes one); when the contact
   * changed meanwhile, the same change is made again onto a fresh read (rebase-change.ts: the
   * tags it adds and removes, the custom fields it sets and removes; other fields as given), so a
   * concurrent write is never lost. A change the contact already holds writes nothing.
   * Score and tier are never written here: the scorer owns them.
   * @throws ContactEmailTakenError, ContactNotFoundError (absent or deleted meanwhile),
   * ContactChangedError (other writes kept winning, or the rebased change would pass a limit).
   */
  update(before: Contact, changes: ContactChanges, options?: ContactUpdateOptions): Promise<Contact>;
  /** Sets or clears `deletedAt`. @throws ContactNotFoundError when absent. */
  setDeleted(workspaceId: string, contactId: string, deletedAt: string | undefined, updatedAt: string): Promise<void>;
  /** Live contacts matching `filter`; the cursor is opaque and bound to the workspace. */
  list(workspaceId: string, filter: ContactFilter, page: ContactListRequest): Promise<ContactPage>;
  /** Moves `lastInteractionAt` forward (never back). */
  touchInteraction(workspaceId: string, contactId: string, at: string): Promise<void>;
  /**
   * Bulk writes in chunks with bounded concurrency; returns the failures by index.
   * A create fails with ContactEmailTakenError when the email is claimed already; an update holds
   * only while the contact still has `before.email` (`ifEmail`), else ContactEmailMovedError; an
   * update also fails with ContactNotFoundError or ContactChangedError as {@link update} does.
   * `onProgress` hears the number of writes done after each chunk.
   */
  writeMany(
    writes: readonly ContactWrite[],
    onProgress?: (done: number) => void,
  ): Promise<Array<{ index: number; error: Error }>>;
}

export interface InteractionPage {
  readonly interactions: Interaction[];
  readonly nextCursor?: string;
}

/** A timeline page, with the contact's state when the store read it alongside (the first page). */
export interface TimelinePage extends InteractionPage {
  /** `live` or `deleted` when known from the same read; absent: the caller reads the contact. */
  readonly contactState?: 'live' | 'deleted';
}

export interface InteractionStore {
  /** Stores an interaction; false when one with the same key exists already. */
  put(interaction: Interaction): Promise<boolean>;
  /** Newest first. */
  timeline(workspaceId: string, contactId: string, page: PageRequest): Promise<TimelinePage>;
}
