/**
 * The due index of contacts' pending domain events (pending-events.ts): sparse, on gsi1 of the core
 * table, `DUE#contactEvents#<shard>` / `<dueAt>#<workspaceId>#<contactId>` (keys.ts
 * `contactEventsDueGsi1`). A contact write that records pending events puts the contact there, due
 * at the write's time plus {@link PENDING_EVENTS_GRACE_MS}, in the same write; the publish that
 * empties its pending events takes it out in the same UpdateItem (dynamo-contacts.ts). What is still
 * there when due was left behind (the process died after the write, or the bus and the queue both
 * failed and the request was never retried): the campaign sweeper reads it, shard by shard
 * ({@link dueContactEvents}), and publishes it (sweep-pending-events.ts). Apart from
 * dynamo-contacts.ts so the sweeper reads the index at its cold start without the contacts store.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { stableBucket } from '../campaigns/split';
import { type ContactRef, PENDING_EVENTS_GRACE_MS } from '../crm/contacts/sweep-pending-events';
import { conditionally } from './dynamo/conditions';
import { dueIndexPage, moveDueEntries } from './dynamo/due-index';
import { getItem } from './dynamo/item';
import { CONTACT_EVENTS_DUE_PREFIX, contactEventsDueGsi1, contactSk, DUE_STEP_SHARDS, workspacePk } from './keys';

/**
 * The attributes of a contact item holding its pending events, one per slot (dynamo-contacts.ts):
 * `pendingEvent:<slot>`, the event as JSON.
 */
export const PENDING_EVENT_PREFIX = 'pendingEvent:';
/**
 * The `eventId` of the last event a write recorded pending (set by every such write, with the due
 * index entry): a publish takes the contact out of the index only while the mark is one of the
 * events it publishes, i.e. no write recorded another since its read.
 */
export const PENDING_MARK = 'pendingMark';

/** Shards of the index: as many as the steps' due index, so a sweep run reads both alike. */
export const CONTACT_EVENTS_DUE_SHARDS = DUE_STEP_SHARDS;

/** The contact's shard: stable, so each write of it replaces its own entry. */
const shardOf = (workspaceId: string, contactId: string): number =>
  stableBucket(workspaceId, contactId) % CONTACT_EVENTS_DUE_SHARDS;

/** The index attributes of a contact due at `at`. */
export const contactEventsDueAt = (workspaceId: string, contactId: string, at: Date) =>
  contactEventsDueGsi1(shardOf(workspaceId, contactId), at.toISOString(), workspaceId, contactId);

/** The index attributes of a contact whose events a write recorded at `now`: due a grace later. */
export const contactEventsDue = (workspaceId: string, contactId: string, now: Date) =>
  contactEventsDueAt(workspaceId, contactId, new Date(now.getTime() + PENDING_EVENTS_GRACE_MS));

/** A page of the contacts of `shard` whose pending events are due at or before `before`, oldest first. */
export async function dueContactEvents(
  db: DynamoDBDocumentClient,
  table: string,
  shard: number,
  before: Date,
  limit: number,
  after?: Record<string, unknown>,
): Promise<{ contacts: ContactRef[]; next?: Record<string, unknown> }> {
  const page = await dueIndexPage(db, table, 'gsi1', `${CONTACT_EVENTS_DUE_PREFIX}${shard}`, before, limit, after);
  return {
    contacts: page.items.map((item) => ({ workspaceId: String(item.workspaceId), contactId: String(item.contactId) })),
    ...(page.next ? { next: page.next } : {}),
  };
}

/**
 * Moves the entries of `contacts` (whose publish failed) to `at`, behind every entry due before it;
 * each only while the contact is still in the index (one a publish took out meanwhile stays out).
 * Best effort: answers those not moved (they stay where they were, swept again next run).
 */
export async function moveContactEventsToBack(
  db: DynamoDBDocumentClient,
  table: string,
  contacts: readonly ContactRef[],
  at: Date,
): Promise<{ readonly entry: ContactRef; readonly error: unknown }[]> {
  return moveDueEntries(db, table, 'gsi1', CONTACT_EVENTS_DUE_PREFIX, contacts, (c) => ({
    key: { pk: workspacePk(c.workspaceId), sk: contactSk(c.contactId) },
    sortKey: contactEventsDueAt(c.workspaceId, c.contactId, at).gsi1sk,
  }));
}

/**
 * Takes the contact out of the index when it holds nothing the sweep may publish, as read afresh
 * (pending-events.ts `PendingEventsDue.settle`): it is deleted (only while it still is: a restore
 * since put it back for what it holds), or nothing is pending any more (only while no write recorded
 * an event since this read: the mark did not move). A live contact holding pending events stays: the
 * publish of them takes it out.
 */
export async function settleContactEvents(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  contactId: string,
): Promise<void> {
  const key = { pk: workspacePk(workspaceId), sk: contactSk(contactId) };
  const item = await getItem(db, table, key, { consistent: true });
  if (item?.type !== 'contact') return;
  const deleted = item.deletedAt !== undefined;
  if (!deleted && Object.keys(item).some((name) => name.startsWith(PENDING_EVENT_PREFIX))) return;
  const mark = item[PENDING_MARK];
  const still = deleted
    ? 'attribute_exists(deletedAt)'
    : mark === undefined
      ? 'attribute_not_exists(#mark)'
      : '#mark = :mark';
  await conditionally(
    db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        // The mark goes with the entry: a contact with nothing pending carries neither.
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk, #mark',
        ConditionExpression: `attribute_exists(pk) AND ${still}`,
        ExpressionAttributeNames: { '#mark': PENDING_MARK },
        ...(!deleted && mark !== undefined ? { ExpressionAttributeValues: { ':mark': mark } } : {}),
      }),
    ),
  );
}
