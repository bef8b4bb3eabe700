/**
 * Enrolment records and campaign counters. A save is one transaction: the enrolment written
 * only if it is still at the step it was read at (or absent, for a new one), and the campaign's
 * counters added, so a counter moves exactly when an enrolment does. Waiting and held
 * enrolments carry the sparse due-time index (gsi2, sharded), and so does an ended one still
 * eligible for its campaign goal (`goalUntil`: due at the goal's deadline, for the sweep); others
 * have it removed.
 */
import type { DynamoDBDocumentClient, PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { awaitsGoal, type EnrolmentState } from '../campaigns/enrolment';
import type { CounterDeltas, EnrolmentStates } from '../campaigns/ports';
import { stableBucket } from '../campaigns/split';
import type { HoldingEnrolments } from '../campaigns/wake-on-event';
import type { CampaignEventCounter } from '../email/event-ports';
import { addAtMostOnce } from './dynamo/add-at-most-once';
import { addExpressions } from './dynamo/add-expression';
import { batchPut, groupedRounds } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import { ANY_SORT_KEY, beginsWith } from './dynamo/cursor';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { pagedQuery, queryAll, rangeListing } from './dynamo/query';
import { putIfAbsent, type TransactItem, transactWrite } from './dynamo/transact';
import { dueShardOf, enrolmentFromItem } from './dynamo-enrolments-due';
import {
  CAMPAIGN_STATS_SHARDS,
  campaignEventSk,
  campaignSk,
  campaignStatsPrefix,
  campaignStatsSk,
  campaignSubjectStatsSk,
  contactEnrolmentsGsi1,
  dueStepGsi2,
  ENROLMENT_PREFIX,
  enrolmentLaunchSk,
  enrolmentSk,
  heldGsi2,
  workspacePk,
} from './keys';

// The enrolments' due index and item reading, in a module of their own so the campaign sweeper
// bundles nothing else of enrolments (dynamo-enrolments-due.ts).
export { dueEnrolments, dueShardOf, enrolmentFromItem, moveDueToBack } from './dynamo-enrolments-due';

function itemOf(s: EnrolmentState): Item {
  const index =
    s.status === 'held'
      ? heldGsi2(s.workspaceId, s.campaignId, s.contactId)
      : s.status === 'waiting' && s.dueAt
        ? dueStepGsi2(dueShardOf(s), s.dueAt, s.workspaceId, s.campaignId, s.contactId)
        : awaitsGoal(s) && s.goalUntil
          ? dueStepGsi2(dueShardOf(s), s.goalUntil, s.workspaceId, s.campaignId, s.contactId)
          : {};
  return {
    pk: workspacePk(s.workspaceId),
    sk: enrolmentSk(s.campaignId, s.contactId),
    type: 'enrolment',
    ...s,
    ...contactEnrolmentsGsi1(s.workspaceId, s.contactId, s.campaignId),
    ...index,
  };
}

/**
 * What a counter's stats item is keyed by: none for a campaign-wide counter (`entered`, `sent`...:
 * a fixed set, on the campaign's shard items); `node:<id>` for a node's (`node:<id>:<kind>`: one
 * name per kind); `of:<node>:<x>` for the counters of a split's arm or an email's subject line
 * (`arm:`, `armconv:`, `armopen:`, `armclick:`, `variant:` + `<node>:<x>`: one name per family).
 * So an item holds at most as many names as the code has kinds or families, whatever the journeys
 * (node and arm ids are new in every version a user publishes, and names are kept for ever): one
 * item per subject, never an item that grows past DynamoDB's 400 KB with the names of every version.
 */
export function counterSubject(name: string): string | undefined {
  const colon = name.indexOf(':');
  if (colon < 0) return undefined;
  const rest = name.slice(colon + 1);
  if (name.slice(0, colon) !== 'node') return `of:${rest}`;
  const kind = rest.lastIndexOf(':');
  return `node:${kind < 0 ? rest : rest.slice(0, kind)}`;
}

/** The non-zero deltas by the subject whose item they go to ('' for the campaign-wide shard item). */
function bySubject(counters: CounterDeltas): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const [name, by] of Object.entries(counters)) {
    if (by === 0) continue;
    const subject = counterSubject(name) ?? '';
    const into = out.get(subject) ?? {};
    into[name] = (into[name] ?? 0) + by;
    out.set(subject, into);
  }
  return out;
}

function statsKey(workspaceId: string, campaignId: string, subject: string, spreadBy: string) {
  const shard = stableBucket(campaignId, spreadBy) % CAMPAIGN_STATS_SHARDS;
  return {
    pk: workspacePk(workspaceId),
    sk: subject ? campaignSubjectStatsSk(campaignId, shard, subject) : campaignStatsSk(campaignId, shard),
  };
}

/**
 * The ADDs of every counter delta on the campaign's stats items (none: no update): one item per
 * subject ({@link counterSubject}), each in expressions within DynamoDB's 4 KB (add-expression.ts).
 * The shard follows `spreadBy` (the contact, the send), so concurrent moves of one campaign spread
 * their writes instead of queueing on a single hot item.
 */
export function counterUpdates(
  table: string,
  workspaceId: string,
  campaignId: string,
  counters: CounterDeltas,
  spreadBy: string,
): TransactItem[] {
  const updates: TransactItem[] = [];
  for (const [subject, deltas] of bySubject(counters)) {
    const Key = statsKey(workspaceId, campaignId, subject, spreadBy);
    for (const expression of addExpressions(deltas)) updates.push({ Update: { TableName: table, Key, ...expression } });
  }
  return updates;
}

export function dynamoEnrolmentStates(db: DynamoDBDocumentClient, table: string): EnrolmentStates {
  // The saves of one SQS batch run at once: the counters of those of one campaign go in one ADD per
  // stats item (subject), on the shard of the first of them; each ADD is sent at most once
  // (add-at-most-once.ts), and no counter is in two of them (add-expression.ts).
  const addMoved = groupedRounds<{
    workspaceId: string;
    campaignId: string;
    subject: string;
    counters: CounterDeltas;
    spreadBy: string;
  }>(
    (c) => `${c.workspaceId}\u0000${c.campaignId}\u0000${c.subject}`,
    async (members) => {
      const [first] = members;
      if (!first) return;
      const sum: Record<string, number> = {};
      for (const m of members) for (const [name, by] of Object.entries(m.counters)) sum[name] = (sum[name] ?? 0) + by;
      const Key = statsKey(first.workspaceId, first.campaignId, first.subject, first.spreadBy);
      for (const expression of addExpressions(sum)) await addAtMostOnce(db, { TableName: table, Key, ...expression });
    },
  );
  return {
    async get(workspaceId, campaignId, contactId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: enrolmentSk(campaignId, contactId) },
        {
          consistent: true,
        },
      );
      return item ? enrolmentFromItem(item) : undefined;
    },

    async save(next, expectedStep, counters, condition) {
      // Marked as this save's (`savedMark`): the plain Put the SDK retried after it landed (its
      // answer lost) is refused by its own write and is this move, not another step's (own-write.ts);
      // read as stale, the step set no timer and its counters were never added.
      const mark = ownToken();
      const put: TransactItem = {
        Put: {
          TableName: table,
          Item: { ...itemOf(next), savedMark: mark },
          ...(expectedStep === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                // The step only ever grows, across runs too: it alone says the record did not move.
                ConditionExpression: '#step = :expected',
                ExpressionAttributeNames: { '#step': 'step' },
                ExpressionAttributeValues: { ':expected': expectedStep },
              }),
        },
      };
      // The move alone is conditional; only its winner adds the counters, after it. Putting the
      // counters in the same transaction made every concurrent move of a campaign conflict on
      // one item. A crash between the two undercounts one move (stats, never behaviour).
      // A hold for a paused campaign is written only while it is still paused (run-step.ts): with
      // a check of the campaign item in the same transaction. The rare path; the others stay one Put.
      const moved = condition?.whileCampaignHeld
        ? await conditionally(
            transactWrite(db, [
              put,
              {
                ConditionCheck: {
                  TableName: table,
                  Key: { pk: workspacePk(next.workspaceId), sk: campaignSk(next.campaignId) },
                  ConditionExpression: '#status IN (:paused, :draft)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':paused': 'paused', ':draft': 'draft' },
                },
              },
            ]),
          )
        : (await writeOwn(db, { Put: put.Put as PutCommandInput }, (item) => item.savedMark === mark)).written;
      if (moved) {
        const { workspaceId, campaignId, contactId } = next;
        await Promise.all(
          [...bySubject(counters)].map(([subject, deltas]) =>
            addMoved({ workspaceId, campaignId, subject, counters: deltas, spreadBy: contactId }),
          ),
        );
      }
      return moved;
    },

    // One item per launch id a run dropped from its recent list (from a contact's 11th run on):
    // plain Puts, so writing one twice (a retried enrolment) changes nothing.
    async claimLaunches(workspaceId, campaignId, contactId, launchIds) {
      await batchPut(
        db,
        table,
        launchIds.map((launchId) => ({
          pk: workspacePk(workspaceId),
          sk: enrolmentLaunchSk(campaignId, contactId, launchId),
          type: 'enrolment-launch',
        })),
      );
    },

    async launchClaimed(workspaceId, campaignId, contactId, launchId) {
      const key = { pk: workspacePk(workspaceId), sk: enrolmentLaunchSk(campaignId, contactId, launchId) };
      return (await getItem(db, table, key, { consistent: true })) !== undefined;
    },
  };
}

/**
 * Counters of a campaign, by name: its stats items summed (one Query of their prefix: the shard
 * items and those of each subject, small items read by the 4 KB, not each rounded up to 4 KB as a
 * BatchGet's). Items written before the counters of subjects had their own are summed the same.
 */
export async function campaignCounters(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  campaignId: string,
): Promise<Record<string, number>> {
  const items = await queryAll(db, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': workspacePk(workspaceId), ':prefix': campaignStatsPrefix(campaignId) },
  });
  const counters: Record<string, number> = {};
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) if (typeof v === 'number') counters[k] = (counters[k] ?? 0) + v;
  }
  return counters;
}

/** A campaign's enrolments, a page at a time (by contact id). */
export async function campaignEnrolments(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  campaignId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ enrolments: EnrolmentState[]; nextCursor?: string }> {
  const listing = rangeListing(table, workspacePk(workspaceId), beginsWith(`${ENROLMENT_PREFIX}${campaignId}#`));
  const found = await pagedQuery(db, listing.input, { limit: page.limit, cursor: page.cursor, shape: listing.shape });
  return {
    enrolments: found.items.map(enrolmentFromItem),
    ...(found.cursor ? { nextCursor: found.cursor } : {}),
  };
}

/** A contact's enrolments across campaigns (gsi1; at most one per campaign). */
export async function contactEnrolments(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  contactId: string,
): Promise<EnrolmentState[]> {
  const { gsi1pk } = contactEnrolmentsGsi1(workspaceId, contactId, '');
  const items = await queryAll(db, {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': gsi1pk },
  });
  return items.map(enrolmentFromItem);
}

type EnrolmentPage = { enrolments: EnrolmentState[]; nextCursor?: string };

/**
 * One page of enrolments from a GSI partition of one workspace: the cursor may only name that
 * partition and enrolment items whose sort key starts with `skPrefix` (a GSI's LastEvaluatedKey
 * holds the index key and the table key).
 */
async function enrolmentIndexPage(
  db: DynamoDBDocumentClient,
  table: string,
  index: 'gsi1' | 'gsi2',
  partition: string,
  workspaceId: string,
  skPrefix: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<EnrolmentPage> {
  const listing = rangeListing(table, partition, ANY_SORT_KEY, {
    index,
    tablePk: workspacePk(workspaceId),
    tableSk: beginsWith(skPrefix),
  });
  const found = await pagedQuery(db, listing.input, { limit: page.limit, cursor: page.cursor, shape: listing.shape });
  return {
    enrolments: found.items.map(enrolmentFromItem),
    ...(found.cursor ? { nextCursor: found.cursor } : {}),
  };
}

/** One page of a contact's enrolments across campaigns, in campaign id order (gsi1). */
export function contactEnrolmentsPage(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  contactId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<EnrolmentPage> {
  const { gsi1pk } = contactEnrolmentsGsi1(workspaceId, contactId, '');
  return enrolmentIndexPage(db, table, 'gsi1', gsi1pk, workspaceId, ENROLMENT_PREFIX, page);
}

/**
 * A contact's waiting enrolments, and its ended ones still eligible for their campaign goal
 * (`goalUntil`) (gsi1, so possibly a write behind): what a domain event may wake. The same Query
 * as before: the eligible ones cost a re-read by key in the wake only while they are eligible.
 */
export function dynamoHoldingEnrolments(db: DynamoDBDocumentClient, table: string): HoldingEnrolments {
  return {
    async of(workspaceId, contactId) {
      return (await contactEnrolments(db, table, workspaceId, contactId)).filter(
        (e) => e.status === 'waiting' || awaitsGoal(e),
      );
    },
  };
}

/** One page of the enrolments a paused campaign holds (to resume them). */
export function heldEnrolments(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  campaignId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<EnrolmentPage> {
  const { gsi2pk } = heldGsi2(workspaceId, campaignId, '');
  return enrolmentIndexPage(db, table, 'gsi2', gsi2pk, workspaceId, `${ENROLMENT_PREFIX}${campaignId}#`, page);
}

/**
 * A campaign's counters for the delivery, bounce or complaint of one of its sends (`delivered`,
 * `node:<id>:delivered`...), once per (send, kind): the marker item `CAMPAIGNEVENT#<c>#<send>#<kind>`
 * and the stats shard's ADD in one transaction ({@link countCampaignEventOnce}), never a bare ADD.
 * The marker is the fact's one dedupe key: the send record is not consulted, as it may be written
 * between two deliveries of the same event (a retry after a later step failed).
 */
export function dynamoCampaignEventCounter(db: DynamoDBDocumentClient, table: string): CampaignEventCounter {
  const deltas = (kind: string, nodeId: string | undefined) => ({
    [kind]: 1,
    ...(nodeId ? { [`node:${nodeId}:${kind}`]: 1 } : {}),
  });
  return {
    countOnce: async ({ workspaceId, campaignId, nodeId, sendId, kind, at }) => {
      await countCampaignEventOnce(db, table, {
        workspaceId,
        campaignId,
        sendId,
        kind,
        counters: deltas(kind, nodeId),
        at,
      });
    },
  };
}

/** Marker items of counted email events expire after the longest journey could still read them. */
const EVENT_MARKER_TTL_MS = 400 * 86_400_000;

/**
 * Counts one email event of a campaign send (unique opens, clicks, the provider's delivered,
 * bounced, complained) once: a marker per (send, kind) is created in the same transaction as the
 * ADD, so a repeat adds nothing (nor does the SDK's retry of a transaction DynamoDB applied).
 * True when counted now.
 */
export function countCampaignEventOnce(
  db: DynamoDBDocumentClient,
  table: string,
  event: { workspaceId: string; campaignId: string; sendId: string; kind: string; counters: CounterDeltas; at: Date },
): Promise<boolean> {
  // A few counters (the kind, its node's, a line's or an arm's): one update per subject's item.
  const adds = counterUpdates(table, event.workspaceId, event.campaignId, event.counters, event.sendId);
  return conditionally(
    transactWrite(db, [
      putIfAbsent(table, {
        pk: workspacePk(event.workspaceId),
        sk: campaignEventSk(event.campaignId, event.sendId, event.kind),
        type: 'campaign-event',
        expiresAt: epochSeconds(new Date(event.at.getTime() + EVENT_MARKER_TTL_MS)),
      }),
      ...adds,
    ]),
    0,
  );
}
