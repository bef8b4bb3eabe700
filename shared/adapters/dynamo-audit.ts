/**
 * The audit log in the `audit` table. Appends are a conditional PutItem (all that most
 * functions are granted); reads (the security function only) query the workspace's
 * partition, or gsi1 (`WS#<ws>#TYPE#<eventType>`) when filtering by type. Both sort keys
 * are `<createdAt>#<id>`, so a date range is a key range and descending order is newest first.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type CursorShape, collectPages, decodeKeyCursor, encodeCursor, type Key } from '../governance/paging';
import type { AuditQuery, AuditReader, StoredAuditEntry } from '../governance/ports';
import type { AuditSink } from '../identity/ports';

export const auditPk = (workspaceId: string): string => `WS#${workspaceId}`;
export const auditTypeGsi1pk = (workspaceId: string, eventType: string): string =>
  `WS#${workspaceId}#TYPE#${eventType}`;
export const auditSk = (createdAt: string, id: string): string => `${createdAt}#${id}`;

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
  actorEmail: z.string().optional(),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export function dynamoAudit(db: DynamoDBDocumentClient, table: string): AuditSink & AuditReader {
  return {
    async append(entry) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: auditPk(entry.workspaceId),
            sk: auditSk(entry.createdAt, entry.id),
            gsi1pk: auditTypeGsi1pk(entry.workspaceId, entry.eventType),
            gsi1sk: auditSk(entry.createdAt, entry.id),
            ...entry,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async list(query) {
      const plan = auditQueryPlan(table, query);
      const startKey = decodeKeyCursor(query.cursor, plan.cursorShape);
      const { items, nextKey } = await collectPages(
        async (start) => {
          const out = await db.send(new QueryCommand({ ...plan.input, ExclusiveStartKey: start }));
          return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
        },
        { limit: query.limit, startKey, maxPages: plan.filtered ? MAX_PAGES : 1, keyOf: plan.keyOf },
      );
      const entries: StoredAuditEntry[] = items.map((item) => entryItem.parse(item));
      const nextCursor = encodeCursor(nextKey);
      return nextCursor ? { items: entries, nextCursor } : { items: entries };
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

  const names: Record<string, string> = { '#pk': pkName, '#sk': skName };
  const values: Record<string, unknown> = { ':pk': pk, ':low': low, ':high': high };
  const filters: string[] = [];
  for (const field of ['actorId', 'resourceType', 'resourceId'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    filters.push(`#${field} = :${field}`);
  }
  const filtered = filters.length > 0;

  const keyOf = (item: Key): Key =>
    byType ? { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk } : { pk: item.pk, sk: item.sk };
  const range: readonly [string, string] = [low, high];
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
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: filtered ? Math.max(query.limit, FILTERED_PAGE_SIZE) : query.limit,
    },
  };
}
