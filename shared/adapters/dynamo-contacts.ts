/**
 * Contacts in the `core` table (keys: ./keys.ts). A contact is `WS#<ws>` /
 * `CONTACT#<id>`; its email is claimed by `WS#<ws>` / `CONTACTEMAIL#<email>`, written in the
 * same transaction, which makes the email unique per workspace even under races (bulk
 * imports write the claim first, conditionally, then the contact: same guarantee without a
 * transaction per row). The item
 * carries a lower-cased `search` text for the `q` filter and, while live, gsi2 keys by tier
 * and score (the scorer keeps those current; this adapter sets them on create and restore).
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ContactChangedError, ContactEmailTakenError, ContactNotFoundError } from '../crm/contacts/errors';
import type { ContactChanges, ContactStore, ContactWrite } from '../crm/contacts/ports';
import { searchText } from '../crm/contacts/search';
import type { Contact } from '../crm/model';
import { mapLimit } from '../resilience/map-limit';
import { batchGet, batchPut } from './dynamo/batch';
import { isConditionFailure, isTransactionConflict } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { pagedQuery } from './dynamo/query';
import { putIfAbsent, transactWrite } from './dynamo/transact';
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
/** Query pages read per list call when filters discard items. */
const MAX_PAGES = 10;
/** Attempts of a write that derives attributes from a read, when other writes keep winning the race. */
export const UPDATE_ATTEMPTS = 5;
/** The stored fields `search` is derived from (search.ts). */
const SEARCH_INPUTS = ['firstName', 'lastName', 'email', 'company'] as const;
/** A short jittered pause before re-reading after a lost race. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));

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

const claimItem = (c: Pick<Contact, 'workspaceId' | 'contactId' | 'email'>): Item => ({
  pk: workspacePk(c.workspaceId),
  sk: contactEmailSk(c.email),
  type: 'contactEmail',
  workspaceId: c.workspaceId,
  contactId: c.contactId,
  email: c.email,
});

export function dynamoContacts(db: DynamoDBDocumentClient, table: string): ContactStore {
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

  const create = async (contact: Contact) => {
    try {
      await transactWrite(db, [
        putIfAbsent(table, contactItem(contact)),
        putIfAbsent(table, claimItem(contact)),
        { Put: { TableName: table, Item: contactHeadItem(contact.workspaceId, contact.contactId, false) } },
      ]);
    } catch (error) {
      if (isConditionFailure(error)) throw await emailTaken(contact);
      throw error;
    }
  };

  /** The live contact as stored now. @throws ContactNotFoundError when absent or deleted. */
  const readLive = async (key: { pk: string; sk: string }): Promise<Contact> => {
    const item = await get(key.pk, key.sk);
    if (item?.type !== 'contact' || item.deletedAt !== undefined) throw new ContactNotFoundError();
    return contactFromItem(item);
  };

  /**
   * One attempt of {@link update} against the contact as read (`before`): `changed` when the
   * stored contact no longer is what `search` (and the email claim) were derived from.
   */
  const tryUpdate = async (before: Contact, changes: ContactChanges): Promise<'written' | 'changed' | 'taken'> => {
    const after = { ...before, ...changes } as Contact;
    const key = { pk: workspacePk(before.workspaceId), sk: contactSk(before.contactId) };
    // `search` is derived from name, email and company: written only when one of them changes,
    // and then only onto the very values it was computed from (else: re-read, recompute).
    const derived = SEARCH_INPUTS.some((f) => f in changes);
    const expr = updateExpression(changes, derived ? searchText(after) : undefined);
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
    const contactUpdate = {
      TableName: table,
      Key: key,
      UpdateExpression: expr.UpdateExpression,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
    const emailMoves = changes.email !== undefined && changes.email !== before.email;
    try {
      if (emailMoves) {
        await transactWrite(db, [
          { Update: contactUpdate },
          {
            Delete: {
              TableName: table,
              Key: { pk: key.pk, sk: contactEmailSk(before.email) },
              ConditionExpression: 'contactId = :id',
              ExpressionAttributeValues: { ':id': before.contactId },
            },
          },
          putIfAbsent(table, claimItem(after)),
        ]);
      } else {
        await db.send(new UpdateCommand(contactUpdate));
      }
      return 'written';
    } catch (error) {
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
   * Applies `changes` onto the contact as stored: each attempt is conditional on the stored
   * values the write derives from; a lost race re-reads and tries again, at most
   * {@link UPDATE_ATTEMPTS} times.
   */
  const update = async (first: Contact, changes: ContactChanges): Promise<Contact> => {
    const key = { pk: workspacePk(first.workspaceId), sk: contactSk(first.contactId) };
    let before = first;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await tryUpdate(before, changes);
      if (outcome === 'taken') throw await emailTaken({ ...before, ...changes } as Contact);
      if (outcome === 'written') return readLive(key);
      before = await readLive(key);
      if (attempt >= UPDATE_ATTEMPTS) throw new ContactChangedError();
      await backoff(attempt);
    }
  };

  return {
    async get(workspaceId, contactId) {
      const item = await get(workspacePk(workspaceId), contactSk(contactId));
      return item?.type === 'contact' ? contactFromItem(item) : undefined;
    },

    async findByEmails(workspaceId, emails) {
      const pk = workspacePk(workspaceId);
      const claims = await batchGet(
        db,
        table,
        [...new Set(emails)].map((e) => ({ pk, sk: contactEmailSk(e) })),
      );
      const ids = claims.map((c) => String(c.contactId));
      const items = await batchGet(
        db,
        table,
        ids.map((id) => ({ pk, sk: contactSk(id) })),
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
                    // Off gsi2 while deleted: hot leads and tier lists never see it.
                    UpdateExpression: 'SET deletedAt = :d, updatedAt = :u REMOVE gsi2pk, gsi2sk',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':d': deletedAt, ':u': updatedAt },
                  }
                : {
                    TableName: table,
                    Key: key,
                    UpdateExpression: 'SET updatedAt = :u, gsi2pk = :g2pk, gsi2sk = :g2sk REMOVE deletedAt',
                    ConditionExpression: `attribute_exists(pk) AND ${read}`,
                    ExpressionAttributeValues: {
                      ':u': updatedAt,
                      ':g2pk': g.gsi2pk,
                      ':g2sk': g.gsi2sk,
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
        const won = await mapLimit(chunk, ITEM_CONCURRENCY, async (w) => {
          try {
            await db.send(
              new PutCommand({
                TableName: table,
                Item: claimItem(w.contact),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            return true;
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
            failures.push({ index: w.index, error: await emailTaken(w.contact) });
            return false;
          }
        });
        const owned = chunk.filter((_, k) => won[k]);
        try {
          await batchPut(
            db,
            table,
            owned.flatMap((w) => [
              contactItem(w.contact),
              contactHeadItem(w.contact.workspaceId, w.contact.contactId, false),
            ]),
          );
        } catch (error) {
          // Leave no claim without its contact behind.
          await mapLimit(owned, ITEM_CONCURRENCY, (w) =>
            db.send(
              new DeleteCommand({
                TableName: table,
                Key: { pk: workspacePk(w.contact.workspaceId), sk: contactEmailSk(w.contact.email) },
              }),
            ),
          );
          throw error;
        }
        progress(chunk.length);
      }
      for (let i = 0; i < updates.length; i += CHUNK) {
        const chunk = updates.slice(i, i + CHUNK);
        await mapLimit(chunk, ITEM_CONCURRENCY, async (w) => {
          try {
            await update(w.write.before, w.write.changes);
          } catch (error) {
            const rowError =
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

/** SET the changed fields (and `search`, when given); REMOVE those set to undefined. */
function updateExpression(changes: ContactChanges, search: string | undefined) {
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
  const set = sets.length ? `SET ${sets.join(', ')}` : '';
  return {
    UpdateExpression: [set, removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
