/**
 * The audit log in the `audit` table. Appends are a conditional PutItem (all that most
 * functions are granted); reads (the security function only) query the workspace's
 * partition, or gsi1 (`WS#<ws>#TYPE#<eventType>`) when filtering by type. Both sort keys
 * are `<createdAt>#<id>`, so a date range is a key range and descending order is newest first.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AuditQuery, AuditReader, StoredAuditEntry } from '../governance/ports';
import type { AuditRecord, AuditSink } from '../identity/ports';
import { type CursorShape, type Key, type KeyRange, sortKeyCondition } from './dynamo/cursor';
import { writeOwn } from './dynamo/own-write';
import { pagedQuery } from './dynamo/query';
import { auditPk, auditSk, auditTypeGsi1pk } from './keys';

/** Evaluated items per page when filtering (DynamoDB filters after the limit). */
const FILTERED_PAGE_SIZE = 200;
/** Pages read at most per request; past this the caller continues with the cursor. */
const MAX_PAGES = 10;
/** Below any ISO timestamp / above any `<timestamp>#<id>` sort key. */
const LOWEST = '0';
const HIGHEST = '9999~';

const entryItem = z.object({
  id: z.string(),
  createdAt: z.string(),
  workspaceId: z.string(),
  eventType: z.string(),
  eventAction: z.string(),
  actorType: z.enum(['user', 'system', 'agent']),
  actorId: z.string(),
  actorEmail: z.optional(z.string()),
  apiKeyId: z.optional(z.string()),
  resourceType: z.optional(z.string()),
  resourceId: z.optional(z.string()),
  ip: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  metadata: z.optional(z.record(z.string(), z.unknown())),
});

/** The conditional Put of one entry: alone (`append`), or inside another write's transaction. */
export const auditPut = (table: string, entry: AuditRecord) => ({
  TableName: table,
  Item: {
    pk: auditPk(entry.workspaceId),
    sk: auditSk(entry.createdAt, entry.id),
    gsi1pk: auditTypeGsi1pk(entry.workspaceId, entry.eventType),
    gsi1sk: auditSk(entry.createdAt, entry.id),
    ...entry,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});

export function dynamoAudit(db: DynamoDBDocumentClient, table: string): AuditSink & AuditReader {
  return {
    async append(entry) {
      // Marked by its id (own-write.ts): a put the SDK retried after it landed (its answer lost) is
      // refused by this entry itself: written, not a failure to record it.
      const put = await writeOwn(
        db,
        { Put: auditPut(table, entry) },
        (item) =>
          item.id === entry.id &&
          item.actorId === entry.actorId &&
          item.eventType === entry.eventType &&
          item.eventAction === entry.eventAction,
      );
      if (!put.written) throw new Error(`An audit entry already holds the key of entry ${entry.id}`);
    },

    async list(query) {
      const plan = auditQueryPlan(table, query);
      const page = await pagedQuery(db, plan.input, {
        limit: query.limit,
        cursor: query.cursor,
        shape: plan.cursorShape,
        collect: { maxPages: plan.filtered ? MAX_PAGES : 1, keyOf: plan.keyOf },
      });
      const entries: StoredAuditEntry[] = page.items.map((item) => entryItem.parse(item));
      return page.cursor ? { items: entries, nextCursor: page.cursor } : { items: entries };
    },
  };
}

/**
 * The Query for an audit listing: by type through gsi1, else the workspace's partition;
 * the date range as a sort-key range; other filters as a FilterExpression.
 */
export function auditQueryPlan(table: string, query: AuditQuery) {
  const byType = query.eventType !== undefined;
  const [pkName, skName] = byType ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
  const pk = byType ? auditTypeGsi1pk(query.workspaceId, query.eventType as string) : auditPk(query.workspaceId);
  const low = query.from ?? LOWEST;
  // `<to>~` sorts after every `<to>#<id>`, so entries at exactly `to` are included.
  const high = query.to ? `${query.to}~` : HIGHEST;

  // One range for the key condition and the cursor check (which compares in UTF-8 order, as DynamoDB does).
  const range: KeyRange = [low, high];
  const sort = sortKeyCondition('#sk', range, { low: ':low', high: ':high' });
  const names: Record<string, string> = { '#pk': pkName, '#sk': skName };
  const values: Record<string, unknown> = { ':pk': pk, ...sort.values };
  const filters: string[] = [];
  for (const field of ['actorId', 'apiKeyId', 'resourceType', 'resourceId'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    filters.push(`#${field} = :${field}`);
  }
  const filtered = filters.length > 0;

  const keyOf = (item: Key): Key =>
    byType ? { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk } : { pk: item.pk, sk: item.sk };
  const cursorShape: CursorShape = byType
    ? { equals: { gsi1pk: pk, pk: auditPk(query.workspaceId) }, within: { gsi1sk: range, sk: range } }
    : { equals: { pk }, within: { sk: range } };

  return {
    filtered,
    keyOf,
    cursorShape,
    input: {
      TableName: table,
      ...(byType ? { IndexName: 'gsi1' } : {}),
      KeyConditionExpression: `#pk = :pk AND ${sort.expression}`,
      ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      // One past the page: read, it tells a next page exists (a Query stopped at its Limit
      // answers a LastEvaluatedKey even at the last item).
      Limit: filtered ? Math.max(query.limit + 1, FILTERED_PAGE_SIZE) : query.limit + 1,
    },
  };
}
