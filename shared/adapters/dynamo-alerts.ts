/**
 * Listing and handling the security alerts the edge appends (`dynamo-security-alerts.ts`).
 * Every read and write stays in the workspace's own alert partition, so an alert id of
 * another workspace is simply not found. Alert items are keyed by creation time, not id:
 * finding one by id reads the workspace's alert partition (small: at most one alert per
 * client and 5-minute window), filtered on the id.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { alertStatus } from '../governance/alerts';
import type { AlertQuery, AlertRecord, AlertStore } from '../governance/ports';
import { isConditionFailure } from './dynamo/conditions';
import { beginsWith, type Key, sortKeyCondition } from './dynamo/cursor';
import { pagedQuery, rangeListing } from './dynamo/query';
import { ALERT_SK_PREFIX, alertPk } from './keys';

const PAGE_SIZE = 200;
const MAX_LIST_PAGES = 10;
/** Bounds the cost of a lookup by id; beyond this many pages the alert counts as not found. */
const MAX_FIND_PAGES = 20;
/** A partition's alerts: sort keys beginning with `ALERT#` (the key condition and the cursor check alike). */
const SK_RANGE = beginsWith(ALERT_SK_PREFIX);

const alertItem = z.object({
  id: z.string(),
  alertType: z.string(),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  title: z.string(),
  metadata: z._default(z.record(z.string(), z.unknown()), {}),
  workspaceId: z.optional(z.string()),
  createdAt: z.string(),
  resolved: z._default(z.boolean(), false),
  acknowledgedAt: z.optional(z.string()),
  acknowledgedBy: z.optional(z.string()),
  resolvedAt: z.optional(z.string()),
  resolvedBy: z.optional(z.string()),
});

const toRecord = (item: Record<string, unknown>): AlertRecord => {
  const alert = alertItem.parse(item);
  return { ...alert, status: alertStatus(alert) };
};

const STATUS_FILTERS = {
  open: 'resolved = :false AND attribute_not_exists(acknowledgedAt)',
  acknowledged: 'resolved = :false AND attribute_exists(acknowledgedAt)',
  resolved: 'resolved = :true',
} as const;

export function dynamoAlerts(db: DynamoDBDocumentClient, table: string): AlertStore {
  /** The key of the workspace's alert `alertId`, or undefined. */
  async function find(workspaceId: string, alertId: string): Promise<Key | undefined> {
    const { input, shape } = rangeListing(table, alertPk(workspaceId), SK_RANGE);
    const { items } = await pagedQuery(
      db,
      {
        ...input,
        FilterExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'id' },
        ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':id': alertId },
        ProjectionExpression: 'pk, sk',
      },
      {
        limit: 1,
        cursor: undefined,
        shape,
        collect: { maxPages: MAX_FIND_PAGES, keyOf: (item) => item, lookup: true },
      },
    );
    const found = items[0];
    return found ? { pk: found.pk, sk: found.sk } : undefined;
  }

  async function stamp(workspaceId: string, alertId: string, update: string, values: Record<string, unknown>) {
    const key = await find(workspaceId, alertId);
    if (!key) return undefined;
    try {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk) AND #id = :id',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ...values, ':id': alertId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toRecord(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  return {
    async list(query: AlertQuery) {
      const pk = alertPk(query.workspaceId);
      const sort = sortKeyCondition('sk', SK_RANGE);
      const filters: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':pk': pk, ...sort.values };
      if (query.status) {
        filters.push(STATUS_FILTERS[query.status]);
        values[query.status === 'resolved' ? ':true' : ':false'] = query.status === 'resolved';
      }
      if (query.severity) {
        filters.push('#severity = :severity');
        names['#severity'] = 'severity';
        values[':severity'] = query.severity;
      }
      const filtered = filters.length > 0;
      const page = await pagedQuery(
        db,
        {
          TableName: table,
          KeyConditionExpression: `pk = :pk AND ${sort.expression}`,
          ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // One past the page: read, it tells a next page exists (a Query stopped at its Limit
          // answers a LastEvaluatedKey even at the last item).
          Limit: filtered ? Math.max(query.limit + 1, PAGE_SIZE) : query.limit + 1,
        },
        {
          limit: query.limit,
          cursor: query.cursor,
          shape: { equals: { pk }, within: { sk: SK_RANGE } },
          collect: { maxPages: filtered ? MAX_LIST_PAGES : 1, keyOf: (item) => ({ pk: item.pk, sk: item.sk }) },
        },
      );
      const records = page.items.map(toRecord);
      return page.cursor ? { items: records, nextCursor: page.cursor } : { items: records };
    },

    acknowledge(workspaceId, alertId, by, at) {
      return stamp(
        workspaceId,
        alertId,
        'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), acknowledgedBy = if_not_exists(acknowledgedBy, :by)',
        { ':at': at, ':by': by },
      );
    },

    resolve(workspaceId, alertId, by, at) {
      return stamp(
        workspaceId,
        alertId,
        'SET resolved = :true, resolvedAt = if_not_exists(resolvedAt, :at), resolvedBy = if_not_exists(resolvedBy, :by)',
        { ':true': true, ':at': at, ':by': by },
      );
    },
  };
}
