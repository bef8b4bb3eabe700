/**
 * Contacts in the `core` table (keys: ./keys.ts). A contact is `WS#<ws>` /
 * `CONTACT#<id>`; its email is claimed by `WS#<ws>` / `CONTACTEMAIL#<email>`, written in the
 * same transaction, which makes the email unique per workspace even under races (bulk
 * imports write the claim first, conditionally, then the contact: same guarantee without a
 * transaction per row). The item
 * carries a folded `search` text (search.ts) for the `q` filter and, while live, gsi2 keys by tier
 * and score (the scorer keeps those current; this adapter sets them on create and restore).
 * An update is conditional on the stored values it was computed from (and, for an import row, on
 * the contact still having the row's email) and, under an effect key (a journey action's step
 * key), claims `EFFECT#<key>` in the contact's interaction partition in the same transaction, so
 * that change is made once per key. The domain events a create or an update publishes after it are
 * recorded on the item in the same write, one attribute per slot (`pendingEvent:<slot>`, the event
 * as JSON; pending-events.ts: `created`, and `tag:<tag>` for a tag the contact holds, so at most
 * 1 + MAX_TAGS of them), and taken out once published (ContactOutbox). An interaction's events no
 * publish took are kept the same way, in `event:<eventId>` slots, bounded (`keepPending`). Each
 * write that records pending events also puts the contact in their due index (gsi1, sparse:
 * dynamo-contact-events-due.ts), due a grace after it, and marks the item with the id of the last
 * event it recorded (`pendingMark`); the publish that empties the slots takes the contact out of the
 * index in the same UpdateItem, only while the mark is one of the events it read (no write recorded
 * another since). What stays there when due is published by the campaign sweeper.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ContactChangedError,
  ContactEmailMovedError,
  ContactEmailTakenError,
  ContactNotFoundError,
} from '../crm/contacts/errors';
import {
  KEPT_SLOT_PREFIX,
  type KeptEventsStore,
  keptRoom,
  pendingChange,
  pendingSlotOf,
} from '../crm/contacts/pending-events';
import type {
  ContactChanges,
  ContactCreateOptions,
  ContactEffects,
  ContactOutbox,
  ContactStore,
  ContactUpdateOptions,
  ContactWrite,
  PendingCreate,
} from '../crm/contacts/ports';
import { changesSomething, rebaseChange } from '../crm/contacts/rebase-change';
import { searchText } from '../crm/contacts/search';
import type { Contact } from '../crm/model';
import type { DomainEvent } from '../crm/ports';
import { mapLimit } from '../resilience/map-limit';
import { retryWith } from '../resilience/retry-loop';
import { batchGet, batchPut } from './dynamo/batch';
import { conditionally, isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { pagedQuery } from './dynamo/query';
import { putIfAbsent, type TransactItem, transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
import { contactEventsDue, PENDING_MARK, PENDING_EVENT_PREFIX as PENDING_PREFIX } from './dynamo-contact-events-due';
import { listQuery } from './dynamo-contact-list-query';
import { CONTACT_HEAD_SK, contactEmailSk, contactSk, interactionPk, tierGsi2, workspacePk } from './keys';

const CONTACT_FIELDS = [
  'contactId',
  'workspaceId',
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'status',
  'tags',
  'customFields',
  'ownerUserId',
  'score',
  'tier',
  'aiSignals',
  'lastInteractionAt',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;
/** Rows per step of a bulk write (progress is reported per step). */
const CHUNK = 100;
/** Single-item writes in flight at once during a bulk write. */
const ITEM_CONCURRENCY = 32;
/**
 * Pending slots one write of `published` empties at most: each adds ~50 characters of condition,
 * so with the mark's list (at most 1 + MAX_TAGS + MAX_KEPT_EVENTS ids) an expression stays well
 * within DynamoDB's 4 KB.
 */
const PUBLISHED_SLOTS_PER_WRITE = 25;
/** Operands of one `IN` at most (DynamoDB's limit). */
const MAX_IN_OPERANDS = 100;
/** Contacts per BatchWriteItem of a bulk write: with their heads, 24 of the API's 25 writes. */
const CONTACTS_PER_BATCH = 12;
/** BatchWriteItem calls in flight at once during a bulk write. */
const BATCH_CONCURRENCY = 4;
/** Retries of giving an email claim back after a failed bulk write: 100 ms doubling to 1 s, before jitter. */
const RELEASE_RETRY = { retries: 3, baseMs: 100, capMs: 1000 } as const;
/** Query pages read per list call when filters discard items. */
const MAX_PAGES = 10;
/** Attempts of a write that derives attributes from a read, when other writes keep winning the race. */
export const UPDATE_ATTEMPTS = 5;
/** The stored fields `search` is derived from (search.ts). */
const SEARCH_INPUTS = ['firstName', 'lastName', 'email', 'company'] as const;
/** A short jittered pause before re-reading after a lost race. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));

/**
 * The attributes of a contact item holding the events its writes recorded and whose publish is not
 * known to be done: one per slot (pending-events.ts), `pendingEvent:<slot>`, the event as JSON. An
 * attribute of its own, so a write sets or removes one slot whatever else a concurrent write does
 * to another. Never part of a contact as answered.
 */
const pendingAttribute = (event: DomainEvent) => `${PENDING_PREFIX}${pendingSlotOf(event)}`;
/** Whether `item` holds every one of `events` (at least one) in its slot. */
const recordedIn = (item: Item, events: readonly DomainEvent[]): boolean =>
  events.length > 0 && events.every((e) => item[pendingAttribute(e)] === JSON.stringify(e));
/** With a pending `contact.created`: its create's {@link PendingCreate}, taken out with the event. */
const PENDING_CREATE = 'pendingCreate';
/**
 * Bumped by each write that keeps events (`keepPending`), which is conditional on the value it read:
 * two concurrent keeps cannot both fill the room one read saw. Not a count (a publish empties slots
 * without touching it): the kept events are counted from the slots themselves.
 */
const KEPT_SEQ = 'pendingKeptSeq';
/** The due index attributes (gsi1) a contact holding pending events carries (dynamo-contact-events-due.ts). */
const DUE_PK = 'gsi1pk';
const DUE_SK = 'gsi1sk';

/**
 * What a write recording `events` on the contact sets beside their slots: the mark and the due
 * index entry, due a grace after `now`. Nothing when it records none.
 */
function recordedIndex(workspaceId: string, contactId: string, events: readonly DomainEvent[], now: Date): Item {
  if (events.length === 0) return {};
  const last = events.at(-1)?.detail.eventId;
  return {
    ...(typeof last === 'string' ? { [PENDING_MARK]: last } : {}),
    ...contactEventsDue(workspaceId, contactId, now),
  };
}

/** The pending events of a contact item, oldest first (`contact.created` before its tags). */
export function pendingEventsOf(item: Item): DomainEvent[] {
  return Object.entries(item)
    .filter(([name, value]) => name.startsWith(PENDING_PREFIX) && typeof value === 'string')
    .map(([, text]) => JSON.parse(String(text)) as DomainEvent)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function pendingCreateOf(item: Item): PendingCreate | undefined {
  const stored = item[PENDING_CREATE] as { requestedBy?: unknown; audited?: unknown } | undefined;
  if (!stored || typeof stored !== 'object') return undefined;
  return {
    ...(typeof stored.requestedBy === 'string' ? { requestedBy: stored.requestedBy } : {}),
    audited: stored.audited === true,
  };
}

export function contactFromItem(item: Item): Contact {
  const out: Record<string, unknown> = {};
  for (const k of CONTACT_FIELDS) if (item[k] !== undefined && item[k] !== null) out[k] = item[k];
  return {
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    ...out,
  } as unknown as Contact;
}

const contactItem = (c: Contact): Item => ({
  pk: workspacePk(c.workspaceId),
  sk: contactSk(c.contactId),
  type: 'contact',
  ...c,
  search: searchText(c),
  ...(c.deletedAt ? {} : tierGsi2(c.workspaceId, c.tier, c.score, c.contactId)),
});

/**
 * The contact's state in its interaction partition (keys.ts, `CONTACT_HEAD_SK`), written with
 * every change of that state: create, import, delete, restore. The timeline's first page reads
 * it in its one Query; a partition without it (a contact written before it existed) falls back
 * to reading the contact.
 */
export const contactHeadItem = (workspaceId: string, contactId: string, deleted: boolean): Item => ({
  pk: interactionPk(workspaceId, contactId),
  sk: CONTACT_HEAD_SK,
  type: 'contactHead',
  deleted,
});

/**
 * The claim of an effect made on the contact (a journey action's step key), in its interaction
 * partition (outside every prefix the timeline, consent and send-log queries read), like the
 * scorer's `SCORED#<key>`: kept, so a step retried however late finds it.
 */
export const CONTACT_EFFECT_PREFIX = 'EFFECT#';
const effectItem = (
  c: Pick<Contact, 'workspaceId' | 'contactId'>,
  effectKey: string,
  at: string | undefined,
): Item => ({
  pk: interactionPk(c.workspaceId, c.contactId),
  sk: `${CONTACT_EFFECT_PREFIX}${effectKey}`,
  type: 'contactEffect',
  ...(at ? { at } : {}),
});

const claimItem = (c: Pick<Contact, 'workspaceId' | 'contactId' | 'email'>): Item => ({
  pk: workspacePk(c.workspaceId),
  sk: contactEmailSk(c.email),
  type: 'contactEmail',
  workspaceId: c.workspaceId,
  contactId: c.contactId,
  email: c.email,
});

export function dynamoContacts(
  db: DynamoDBDocumentClient,
  table: string,
  options: {
    /** The audit table: a create that carries its request's audit entry writes it in its transaction. */
    readonly auditTable?: string;
    /** Real time now: when pending events are due in their index (a grace later). */
    readonly now?: () => Date;
  } = {},
): ContactStore & ContactEffects & ContactOutbox & KeptEventsStore {
  const { auditTable } = options;
  const now = options.now ?? (() => new Date());
  const get = (pk: string, sk: string) => getItem(db, table, { pk, sk }, { consistent: true });

  /** Why a create failed on the claim: the contact holding the email, deleted or not. */
  const emailTaken = async (c: Contact) => {
    const claim = await get(workspacePk(c.workspaceId), contactEmailSk(c.email));
    const ownerId = typeof claim?.contactId === 'string' ? claim.contactId : undefined;
    const owner = ownerId ? await get(workspacePk(c.workspaceId), contactSk(ownerId)) : undefined;
    return new ContactEmailTakenError(
      owner ? { contactId: String(owner.contactId), deleted: owner.deletedAt !== undefined } : undefined,
    );
  };

  const create = async (contact: Contact, options?: ContactCreateOptions) => {
    const events = options?.events ?? [];
    const audit = auditTable ? options?.audit : undefined;
    const created: PendingCreate = {
      ...(options?.requestedBy !== undefined ? { requestedBy: options.requestedBy } : {}),
      audited: audit !== undefined,
    };
    const item: Item = {
      ...contactItem(contact),
      ...Object.fromEntries(events.map((e) => [pendingAttribute(e), JSON.stringify(e)])),
      ...(events.length > 0 ? { [PENDING_CREATE]: created } : {}),
      ...recordedIndex(contact.workspaceId, contact.contactId, events, now()),
    };
    try {
      await transactWrite(db, [
        putIfAbsent(table, item),
        putIfAbsent(table, claimItem(contact)),
        { Put: { TableName: table, Item: contactHeadItem(contact.workspaceId, contact.contactId, false) } },
        // The request's audit entry with the contact: one call fewer than the edge's own Put.
        ...(audit && auditTable ? [{ Put: auditPut(auditTable, audit.record) }] : []),
      ]);
    } catch (error) {
      if (isConditionFailure(error)) throw await emailTaken(contact);
      throw error;
    }
    audit?.markWritten();
  };

  /** Puts the contact in the due index of pending events, due a grace from now, while it exists. */
  const reindex = async (workspaceId: string, contactId: string): Promise<void> => {
    const due = contactEventsDue(workspaceId, contactId, now());
    await conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) },
          UpdateExpression: 'SET #duePk = :duePk, #dueSk = :dueSk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#duePk': DUE_PK, '#dueSk': DUE_SK },
          ExpressionAttributeValues: { ':duePk': due[DUE_PK], ':dueSk': due[DUE_SK] },
        }),
      ),
    );
  };

  /** The live contact item as stored now. @throws ContactNotFoundError when absent or deleted. */
  const readLiveItem = async (key: { pk: string; sk: string }): Promise<Item> => {
    const item = await get(key.pk, key.sk);
    if (item?.type !== 'contact' || item.deletedAt !== undefined) throw new ContactNotFoundError();
    return item;
  };
  const readLive = async (key: { pk: string; sk: string }): Promise<Contact> =>
    contactFromItem(await readLiveItem(key));

  /**
   * One attempt of {@link update} against the contact as read (`before`): `changed` when the
   * stored contact no longer is what the write derives from (`search` and the email claim from
   * name, email and company; the new `tags` / `customFields` from the stored ones; the email itself
   * under `ifEmail`); `repeat` when `effectKey` was claimed already (nothing written).
   */
  const tryUpdate = async (
    before: Contact,
    changes: ContactChanges,
    { effectKey, ifEmail, events = [] }: ContactUpdateOptions = {},
  ): Promise<'written' | 'changed' | 'taken' | 'repeat'> => {
    const after = { ...before, ...changes } as Contact;
    const key = { pk: workspacePk(before.workspaceId), sk: contactSk(before.contactId) };
    // `search` is derived from name, email and company: written only when one of them changes,
    // and then only onto the very values it was computed from (else: re-read, recompute).
    const derived = SEARCH_INPUTS.some((f) => f in changes);
    // The events this write records (a tag_added only for a tag it adds), the slots it empties
    // (the tags it removes): decided on the tags read, which the write is conditional on.
    const pending = pendingChange(before, changes, events);
    const expr = updateExpression(
      changes,
      derived ? searchText(after) : undefined,
      pending,
      recordedIndex(before.workspaceId, before.contactId, pending.record, now()),
    );
    const names: Record<string, string> = { ...expr.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...expr.ExpressionAttributeValues };
    const conditions = ['attribute_exists(pk)', 'attribute_not_exists(deletedAt)'];
    if (derived) {
      SEARCH_INPUTS.forEach((field, i) => {
        names[`#read${i}`] = field;
        const value = before[field];
        if (value === undefined) conditions.push(`attribute_not_exists(#read${i})`);
        else {
          values[`:read${i}`] = value;
          conditions.push(`#read${i} = :read${i}`);
        }
      });
    }
    // The whole new list / map is computed from the read: written only onto the stored one it
    // was computed from (else: re-read, rebase the change), so no concurrent tag or field is lost.
    if (changes.tags !== undefined) conditions.push(listHolds('tags', 'rt', before.tags, names, values));
    if (changes.customFields !== undefined) {
      conditions.push(mapHolds('customFields', 'rf', before.customFields, names, values));
    }
    // Matched by email (an import row): only onto the contact that still has it.
    if (ifEmail !== undefined) {
      names['#ifEmail'] = 'email';
      values[':ifEmail'] = ifEmail;
      conditions.push('#ifEmail = :ifEmail');
    }
    const contactUpdate = {
      TableName: table,
      Key: key,
      UpdateExpression: expr.UpdateExpression,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
    const emailMoves = changes.email !== undefined && changes.email !== before.email;
    const items: TransactItem[] = [{ Update: contactUpdate }];
    if (emailMoves) {
      items.push(
        {
          Delete: {
            TableName: table,
            Key: { pk: key.pk, sk: contactEmailSk(before.email) },
            ConditionExpression: 'contactId = :id',
            ExpressionAttributeValues: { ':id': before.contactId },
          },
        },
        putIfAbsent(table, claimItem(after)),
      );
    }
    // The effect's claim, in the same transaction: the change lands once per key.
    const effectIndex = effectKey === undefined ? -1 : items.length;
    if (effectKey !== undefined) {
      items.push(putIfAbsent(table, effectItem(before, effectKey, changes.updatedAt)));
    }
    try {
      if (items.length > 1) await transactWrite(db, items);
      else {
        // Alone, an UpdateItem the SDK retries after a lost answer: its first try, landed, makes
        // the read it is conditional on false. Found with the events it records (their ids are
        // this write's), it is this write's: written, so its events are published now (read as
        // another write's, they waited for the sweep). A write recording none has no effect to
        // lose: the re-read finds the change held and writes nothing.
        const own = await writeOwn(db, { Update: contactUpdate }, (item) => recordedIn(item, pending.record));
        return own.written ? 'written' : 'changed';
      }
      return 'written';
    } catch (error) {
      // Claimed already: this key's change was made (whatever the contact holds now).
      if (effectIndex >= 0 && isConditionFailure(error, effectIndex)) return 'repeat';
      // Another transaction in flight on these items (after transactWrite's own retries): a race.
      if (isTransactionConflict(error) && !isConditionFailure(error)) return 'changed';
      if (!isConditionFailure(error)) throw error;
      // Item by item: the contact (0) or its old claim (1) changed under us: re-read and retry
      // (gone or deleted is then a 404). The new address's claim (2) held by another contact:
      // taken; held by this one (a racing PATCH moved it there first): changed.
      if (
        emailMoves &&
        isConditionFailure(error, 2) &&
        !isConditionFailure(error, 0) &&
        !isConditionFailure(error, 1)
      ) {
        const claim = await get(key.pk, contactEmailSk(after.email));
        if (claim && claim.contactId !== before.contactId) return 'taken';
      }
      return 'changed';
    }
  };

  /**
   * Applies `changes` (computed from `first`) onto the contact as stored: each attempt is
   * conditional on the stored values the write derives from; a lost race re-reads and makes the
   * same change onto the fresh read ({@link rebaseChange}: the tags it adds and removes, the
   * fields it sets and removes), at most {@link UPDATE_ATTEMPTS} times. A change the stored
   * contact already holds writes nothing; under an `effectKey` claimed already, nothing either.
   * Under `ifEmail`, a fresh read at another email throws ContactEmailMovedError (nothing written).
   */
  const update = async (first: Contact, changes: ContactChanges, options?: ContactUpdateOptions): Promise<Contact> => {
    const key = { pk: workspacePk(first.workspaceId), sk: contactSk(first.contactId) };
    let before = first;
    let change = changes;
    for (let attempt = 1; ; attempt += 1) {
      if (!changesSomething(change)) {
        // Nothing to write (held already, or rebased to nothing): the effect's key is claimed alone.
        if (options?.effectKey !== undefined) {
          const { Put } = putIfAbsent(table, effectItem(before, options.effectKey, change.updatedAt));
          await conditionally(db.send(new PutCommand(Put as NonNullable<typeof Put>)));
        }
        return before;
      }
      const outcome = await tryUpdate(before, change, options);
      if (outcome === 'taken') throw await emailTaken({ ...before, ...change } as Contact);
      if (outcome === 'repeat') return readLive(key);
      if (outcome === 'written') {
        const item = await readLiveItem(key);
        options?.onPending?.(pendingEventsOf(item));
        return contactFromItem(item);
      }
      before = await readLive(key);
      if (options?.ifEmail !== undefined && before.email !== options.ifEmail) throw new ContactEmailMovedError();
      if (attempt >= UPDATE_ATTEMPTS) throw new ContactChangedError();
      change = rebaseChange(first, changes, before);
      await backoff(attempt);
    }
  };

  /**
   * Gives back the claim of `c`'s email, only while `c` holds it and `c`'s contact item is
   * absent (one transaction, so a contact that landed keeps its claim even if the write that
   * put it there failed), with the head the contact may have left in its partition. A failed
   * condition means the claim is someone else's or the contact is there: left as it is.
   */
  const releaseClaim = async (c: Contact): Promise<void> => {
    const pk = workspacePk(c.workspaceId);
    try {
      await transactWrite(db, [
        {
          ConditionCheck: {
            TableName: table,
            Key: { pk, sk: contactSk(c.contactId) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Delete: {
            TableName: table,
            Key: { pk, sk: contactEmailSk(c.email) },
            ConditionExpression: 'contactId = :id',
            ExpressionAttributeValues: { ':id': c.contactId },
          },
        },
        { Delete: { TableName: table, Key: { pk: interactionPk(c.workspaceId, c.contactId), sk: CONTACT_HEAD_SK } } },
      ]);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };

  /**
   * After a failed bulk step: releases the claims of `contacts` that have no contact item
   * ({@link releaseClaim}), each attempted even when another fails, each retried a few times
   * past the SDK's own retries, then throws `cause` (the step's error, which the caller acts
   * on). Only a release that still fails after those leaves a claim behind without its contact.
   */
  const releaseAndThrow = async (contacts: readonly Contact[], cause: unknown): Promise<never> => {
    await mapLimit(contacts, ITEM_CONCURRENCY, (c) =>
      retryWith(
        () => releaseClaim(c),
        () => ({ retryable: true, kind: 'unknown' }),
        RELEASE_RETRY,
      ).catch(() => {}),
    );
    throw cause;
  };

  /**
   * The claim phase of a bulk create: one conditional Put per contact. Every Put is let to
   * finish before anything is decided (none is left in flight). A claim held by another
   * contact is a row failure (pushed to `failures`); any other error fails the step, and then
   * the claims this call may hold (won, or whose Put failed without an answer: it may have
   * landed) are released before the error is thrown. Answers the contacts whose claim was won.
   */
  const claimAll = async (
    chunk: ReadonlyArray<{ contact: Contact; index: number }>,
    failures: Array<{ index: number; error: Error }>,
  ): Promise<Contact[]> => {
    type Outcome = { kind: 'won' } | { kind: 'taken'; error: Error } | { kind: 'failed'; error: unknown };
    const outcomes = await mapLimit(chunk, ITEM_CONCURRENCY, async (w): Promise<Outcome> => {
      try {
        // A claim the SDK retried after its lost answer is refused by itself (its contact's new
        // id): won. Read as taken, its row failed as a duplicate and the claim stayed behind with
        // no contact, the address blocked.
        const claimed = await writeOwn(
          db,
          { Put: { TableName: table, Item: claimItem(w.contact), ConditionExpression: 'attribute_not_exists(pk)' } },
          (item) => item.contactId === w.contact.contactId,
        );
        if (claimed.written) return { kind: 'won' };
      } catch (error) {
        return { kind: 'failed', error };
      }
      try {
        return { kind: 'taken', error: await emailTaken(w.contact) };
      } catch (readError) {
        return { kind: 'failed', error: readError };
      }
    });
    const failed = outcomes.find((o) => o.kind === 'failed');
    if (failed) {
      const mayHold = chunk.filter((_, k) => outcomes[k]?.kind !== 'taken').map((w) => w.contact);
      return releaseAndThrow(mayHold, failed.error);
    }
    const owned: Contact[] = [];
    chunk.forEach((w, k) => {
      const o = outcomes[k];
      if (o?.kind === 'taken') failures.push({ index: w.index, error: o.error });
      else owned.push(w.contact);
    });
    return owned;
  };

  /**
   * Writes the contacts whose claims were won, with their heads, by BatchWriteItem: a contact
   * and its head in the same call, each call awaited to its end (none left in flight). When a
   * call fails, part of its items may have landed: the claims of that call's contacts that did
   * not land are released (the contacts that did keep theirs), then the error is thrown.
   */
  const writeClaimed = async (owned: readonly Contact[]): Promise<void> => {
    const groups: Contact[][] = [];
    for (let k = 0; k < owned.length; k += CONTACTS_PER_BATCH) groups.push(owned.slice(k, k + CONTACTS_PER_BATCH));
    const results = await mapLimit(groups, BATCH_CONCURRENCY, (group) =>
      batchPut(
        db,
        table,
        group.flatMap((c) => [contactItem(c), contactHeadItem(c.workspaceId, c.contactId, false)]),
      ).then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    const failed = results.flatMap((r, k) => (r.ok ? [] : [{ group: groups[k] ?? [], error: r.error }]));
    if (failed[0])
      await releaseAndThrow(
        failed.flatMap((f) => f.group),
        failed[0].error,
      );
  };

  /**
   * Empties the slots of `events`, each only while it holds its very event (a write may have put a
   * newer one there meanwhile: it stays), on a contact still there (removed meanwhile, it does not
   * come back as a bare key). With `marks` (the ids published), the contact leaves the due index
   * too, only while its mark is one of them: answers the contact as written then. The mark's list
   * is cut into IN lists of at most {@link MAX_IN_OPERANDS} (DynamoDB's limit).
   * @throws ConditionalCheckFailedException when refused.
   */
  const emptySlots = async (
    key: { pk: string; sk: string },
    events: readonly DomainEvent[],
    marks: readonly string[] | undefined,
  ): Promise<Item | undefined> => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(pk)'];
    const removes: string[] = [];
    events.forEach((event, i) => {
      names[`#s${i}`] = pendingAttribute(event);
      values[`:s${i}`] = JSON.stringify(event);
      conditions.push(`(attribute_not_exists(#s${i}) OR #s${i} = :s${i})`);
      removes.push(`#s${i}`);
      if (pendingSlotOf(event) === 'created') {
        names['#create'] = PENDING_CREATE;
        removes.push('#create');
      }
    });
    if (marks) {
      Object.assign(names, { '#mark': PENDING_MARK, '#duePk': DUE_PK, '#dueSk': DUE_SK });
      marks.forEach((id, i) => {
        values[`:m${i}`] = id;
      });
      const lists = chunksOf(
        marks.map((_, i) => `:m${i}`),
        MAX_IN_OPERANDS,
      ).map((operands) => `#mark IN (${operands.join(', ')})`);
      conditions.push(`(attribute_not_exists(#mark) OR ${lists.join(' OR ')})`);
      // The mark goes with the entry: a contact with nothing pending carries neither.
      removes.push('#mark', '#duePk', '#dueSk');
    }
    const out = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `REMOVE ${removes.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(marks ? { ReturnValues: 'ALL_NEW' as const } : {}),
      }),
    );
    return out.Attributes;
  };

  return {
    async get(workspaceId, contactId) {
      const item = await get(workspacePk(workspaceId), contactSk(contactId));
      return item?.type === 'contact' ? contactFromItem(item) : undefined;
    },

    async getWithPending(workspaceId, contactId) {
      const item = await get(workspacePk(workspaceId), contactSk(contactId));
      if (item?.type !== 'contact') return undefined;
      const pending = pendingEventsOf(item);
      const created = pending.some((e) => pendingSlotOf(e) === 'created') ? pendingCreateOf(item) : undefined;
      return { contact: contactFromItem(item), pending, ...(created ? { created } : {}) };
    },

    async published(workspaceId, contactId, events) {
      const key = { pk: workspacePk(workspaceId), sk: contactSk(contactId) };
      // The contact leaves the due index with its events when no write recorded another since the
      // publisher's read: the mark (the last recorded event's id) is one of those it publishes.
      const ids = [...new Set(events.map((e) => e.detail.eventId).filter((id) => typeof id === 'string'))];
      let unindex = ids.length > 0;
      let left = events;
      for (let attempt = 1; left.length > 0; attempt += 1) {
        // In writes of at most PUBLISHED_SLOTS_PER_WRITE slots each, the index entry with the last:
        // a contact may hold 1 + MAX_TAGS + MAX_KEPT_EVENTS pending events, whose conditions in one
        // expression passed DynamoDB's 4 KB (refused: nothing emptied, the events published again
        // by every later publish and sweep).
        const groups = chunksOf(left, PUBLISHED_SLOTS_PER_WRITE);
        try {
          for (const [g, group] of groups.entries()) {
            const withMark = unindex && g === groups.length - 1;
            const attributes = await emptySlots(key, group, withMark ? ids : undefined);
            // Events left that the caller did not publish (it was given only some of those it read):
            // the contact goes back in the index for them.
            if (withMark && attributes && pendingEventsOf(attributes).length > 0) {
              await reindex(workspaceId, contactId);
            }
          }
          return;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          // Gone, or a slot holds another event now, or another write recorded events since the
          // read (the mark moved: the contact stays in the index for them): take out those that
          // still hold theirs (those a write of this call emptied already hold nothing).
          const item = await get(key.pk, key.sk);
          if (!item || attempt >= UPDATE_ATTEMPTS) return;
          left = left.filter((e) => item[pendingAttribute(e)] === JSON.stringify(e));
          const mark = item[PENDING_MARK];
          unindex = unindex && (mark === undefined || (typeof mark === 'string' && ids.includes(mark)));
        }
      }
    },

    async keepPending(workspaceId, contactId, events) {
      const key = { pk: workspacePk(workspaceId), sk: contactSk(contactId) };
      for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt += 1) {
        const item = await get(key.pk, key.sk);
        if (item?.type !== 'contact') return [...events];
        // Already kept (a second keep of the same events): nothing more to write for them.
        const fresh = events.filter((e) => item[pendingAttribute(e)] !== JSON.stringify(e));
        const held = Object.entries(item)
          .filter(
            ([name, value]) => name.startsWith(`${PENDING_PREFIX}${KEPT_SLOT_PREFIX}`) && typeof value === 'string',
          )
          .map(([name, value]) => ({ name, value: String(value) }));
        const { keep, over } = keptRoom(held, fresh, pendingAttribute);
        if (keep.length === 0) return over;
        const seq = typeof item[KEPT_SEQ] === 'number' ? item[KEPT_SEQ] : undefined;
        const names: Record<string, string> = { '#seq': KEPT_SEQ };
        const values: Record<string, unknown> = { ':next': (seq ?? 0) + 1 };
        const sets = ['#seq = :next'];
        keep.forEach((event, i) => {
          names[`#k${i}`] = pendingAttribute(event);
          values[`:k${i}`] = JSON.stringify(event);
          sets.push(`#k${i} = :k${i}`);
        });
        // In the due index, a grace from now: the sweep publishes them if no write does.
        Object.entries(recordedIndex(workspaceId, contactId, keep, now())).forEach(([attribute, value], i) => {
          names[`#i${i}`] = attribute;
          values[`:i${i}`] = value;
          sets.push(`#i${i} = :i${i}`);
        });
        if (seq !== undefined) values[':seq'] = seq;
        try {
          await db.send(
            new UpdateCommand({
              TableName: table,
              Key: key,
              UpdateExpression: `SET ${sets.join(', ')}`,
              // The room was counted on this read: another keep since re-counts.
              ConditionExpression: `attribute_exists(pk) AND ${seq === undefined ? 'attribute_not_exists(#seq)' : '#seq = :seq'}`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          return over;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          await backoff(attempt);
        }
      }
      return [...events];
    },

    async effectClaimed(workspaceId, contactId, effectKey) {
      const claim = effectItem({ workspaceId, contactId }, effectKey, undefined);
      return (await get(claim.pk as string, claim.sk as string)) !== undefined;
    },

    async findByEmails(workspaceId, emails) {
      const pk = workspacePk(workspaceId);
      // Strongly consistent: an import must see a contact created a moment before (else it plans
      // a create that loses on the claim).
      const claims = await batchGet(
        db,
        table,
        [...new Set(emails)].map((e) => ({ pk, sk: contactEmailSk(e) })),
        { consistent: true },
      );
      const ids = claims.map((c) => String(c.contactId));
      const items = await batchGet(
        db,
        table,
        ids.map((id) => ({ pk, sk: contactSk(id) })),
        { consistent: true },
      );
      const found = new Map<string, Contact>();
      for (const item of items) found.set(String(item.email), contactFromItem(item));
      return found;
    },

    create,
    update,

    async setDeleted(workspaceId, contactId, deletedAt, updatedAt) {
      const key = { pk: workspacePk(workspaceId), sk: contactSk(contactId) };
      for (let attempt = 1; ; attempt += 1) {
        const item = await get(key.pk, key.sk);
        if (!item) throw new ContactNotFoundError();
        // A restore puts the contact back on gsi2 at the tier and score it read: only while the
        // stored ones are still those (the scorer may move them meanwhile; then re-read).
        const score = item.score === undefined ? undefined : Number(item.score);
        const tier = item.tier === undefined ? undefined : String(item.tier);
        const c = contactFromItem(item);
        const g = tierGsi2(workspaceId, c.tier, c.score, contactId);
        // A restore of a contact holding pending events puts it back in their due index (a delete
        // took it out: nothing of a deleted contact is published), for the sweep should the
        // restore's own publish not happen.
        const due = pendingEventsOf(item).length > 0 ? contactEventsDue(workspaceId, contactId, now()) : undefined;
        const read = [
          score === undefined ? 'attribute_not_exists(score)' : 'score = :s',
          tier === undefined ? 'attribute_not_exists(tier)' : 'tier = :t',
        ].join(' AND ');
        try {
          // The contact and its head change together: the timeline never shows a deleted contact.
          await transactWrite(db, [
            {
              Update: deletedAt
                ? {
                    TableName: table,
                    Key: key,
                    // Off gsi2 while deleted: hot leads and tier lists never see it; off the due
                    // index of pending events (gsi1) too: they wait for its restore.
                    UpdateExpression: 'SET deletedAt = :d, updatedAt = :u REMOVE gsi2pk, gsi2sk, gsi1pk, gsi1sk',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':d': deletedAt, ':u': updatedAt },
                  }
                : {
                    TableName: table,
                    Key: key,
                    UpdateExpression: `SET updatedAt = :u, gsi2pk = :g2pk, gsi2sk = :g2sk${due ? ', gsi1pk = :g1pk, gsi1sk = :g1sk' : ''} REMOVE deletedAt`,
                    ConditionExpression: `attribute_exists(pk) AND ${read}`,
                    ExpressionAttributeValues: {
                      ':u': updatedAt,
                      ':g2pk': g.gsi2pk,
                      ':g2sk': g.gsi2sk,
                      ...(due ? { ':g1pk': due.gsi1pk, ':g1sk': due.gsi1sk } : {}),
                      ...(score === undefined ? {} : { ':s': score }),
                      ...(tier === undefined ? {} : { ':t': tier }),
                    },
                  },
            },
            { Put: { TableName: table, Item: contactHeadItem(workspaceId, contactId, deletedAt !== undefined) } },
          ]);
          return;
        } catch (error) {
          const failed = isConditionFailure(error);
          if (!failed && !isTransactionConflict(error)) throw error;
          // A delete's only condition is that the contact exists.
          if (deletedAt && failed) throw new ContactNotFoundError();
          // Otherwise the score or tier moved under a restore (or a transaction raced it): read
          // again (gone is then a 404), at most UPDATE_ATTEMPTS times.
          if (deletedAt || attempt >= UPDATE_ATTEMPTS) {
            if (!(await get(key.pk, key.sk))) throw new ContactNotFoundError();
            throw new ContactChangedError({ cause: error });
          }
          await backoff(attempt);
        }
      }
    },

    async list(workspaceId, filter, page) {
      const query = listQuery(table, workspaceId, filter, page);
      const found = await pagedQuery(db, query.input, {
        limit: page.limit,
        cursor: page.cursor,
        shape: query.shape,
        collect: { maxPages: MAX_PAGES, keyOf: query.keyOf },
      });
      return { contacts: found.items.map(contactFromItem), ...(found.cursor ? { nextCursor: found.cursor } : {}) };
    },

    async touchInteraction(workspaceId, contactId, at) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) },
            UpdateExpression: 'SET lastInteractionAt = :at',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lastInteractionAt) OR lastInteractionAt < :at)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        // A later interaction got there first: nothing to move.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async writeMany(writes, onProgress) {
      const failures: Array<{ index: number; error: Error }> = [];
      let done = 0;
      const progress = (n: number) => {
        done += n;
        onProgress?.(done);
      };
      const creates: Array<{ contact: Contact; index: number }> = [];
      const updates: Array<{ write: Extract<ContactWrite, { kind: 'update' }>; index: number }> = [];
      writes.forEach((write, index) => {
        if (write.kind === 'create') creates.push({ contact: write.contact, index });
        else updates.push({ write, index });
      });
      for (let i = 0; i < creates.length; i += CHUNK) {
        const chunk = creates.slice(i, i + CHUNK);
        // Claims first, each conditional: whoever holds the claim owns the email, so the
        // uniqueness holds without a transaction per contact (TransactWriteItems is the slow
        // path of bulk writes). Contacts whose claim was won are then batch-written.
        const owned = await claimAll(chunk, failures);
        await writeClaimed(owned);
        progress(chunk.length);
      }
      for (let i = 0; i < updates.length; i += CHUNK) {
        const chunk = updates.slice(i, i + CHUNK);
        await mapLimit(chunk, ITEM_CONCURRENCY, async (w) => {
          try {
            // A row is matched by email: its change holds only while the contact still has it.
            await update(w.write.before, w.write.changes, { ifEmail: w.write.before.email });
          } catch (error) {
            const rowError =
              error instanceof ContactEmailMovedError ||
              error instanceof ContactEmailTakenError ||
              error instanceof ContactNotFoundError ||
              error instanceof ContactChangedError;
            if (!rowError) throw error;
            failures.push({ index: w.index, error });
          }
        });
        progress(chunk.length);
      }
      return failures.sort((a, b) => a.index - b.index);
    },
  };
}

/**
 * SET the changed fields (and `search`, when given); REMOVE those set to undefined; SET each event
 * of `pending.record` in its slot, REMOVE the slots of `pending.drop`; SET the attributes of
 * `index` (the mark and the due index entry of recorded events: {@link recordedIndex}).
 */
function updateExpression(
  changes: ContactChanges,
  search: string | undefined,
  pending: { readonly record: readonly DomainEvent[]; readonly drop: readonly string[] },
  index: Item,
) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  if (search !== undefined) {
    names['#search'] = 'search';
    values[':search'] = search;
    sets.push('#search = :search');
  }
  const removes: string[] = [];
  Object.entries(changes).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) removes.push(`#f${i}`);
    else {
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    }
  });
  pending.record.forEach((event, i) => {
    names[`#pe${i}`] = pendingAttribute(event);
    values[`:pe${i}`] = JSON.stringify(event);
    sets.push(`#pe${i} = :pe${i}`);
  });
  pending.drop.forEach((slot, i) => {
    names[`#pd${i}`] = `${PENDING_PREFIX}${slot}`;
    removes.push(`#pd${i}`);
  });
  Object.entries(index).forEach(([attribute, value], i) => {
    names[`#pi${i}`] = attribute;
    values[`:pi${i}`] = value;
    sets.push(`#pi${i} = :pi${i}`);
  });
  const set = sets.length ? `SET ${sets.join(', ')}` : '';
  return {
    UpdateExpression: [set, removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * A condition that the stored list `attribute` is `read`: its size and each element (element by
 * element: DynamoDB emulators compare no whole lists). An empty read also holds for an absent one.
 */
function listHolds(
  attribute: string,
  prefix: string,
  read: readonly string[],
  names: Record<string, string>,
  values: Record<string, unknown>,
): string {
  const a = `#${prefix}`;
  names[a] = attribute;
  values[`:${prefix}n`] = read.length;
  if (read.length === 0) return `(attribute_not_exists(${a}) OR size(${a}) = :${prefix}n)`;
  const parts = [`size(${a}) = :${prefix}n`];
  read.forEach((v, i) => {
    values[`:${prefix}${i}`] = v;
    parts.push(`${a}[${i}] = :${prefix}${i}`);
  });
  return `(${parts.join(' AND ')})`;
}

/**
 * A condition that the stored map `attribute` is `read`: as many keys, each with its value (key
 * by key: DynamoDB emulators compare no whole maps). An empty read also holds for an absent one.
 */
function mapHolds(
  attribute: string,
  prefix: string,
  read: Readonly<Record<string, unknown>>,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string {
  const a = `#${prefix}`;
  names[a] = attribute;
  const entries = Object.entries(read);
  values[`:${prefix}n`] = entries.length;
  if (entries.length === 0) return `(attribute_not_exists(${a}) OR size(${a}) = :${prefix}n)`;
  const parts = [`size(${a}) = :${prefix}n`];
  entries.forEach(([k, v], i) => {
    names[`#${prefix}k${i}`] = k;
    values[`:${prefix}v${i}`] = v;
    parts.push(`${a}.#${prefix}k${i} = :${prefix}v${i}`);
  });
  return `(${parts.join(' AND ')})`;
}

/** `list` cut into consecutive pieces of at most `size`. */
function chunksOf<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
