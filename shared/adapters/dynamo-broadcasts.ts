/**
 * Broadcasts in the `core` table (keys: ./keys.ts): `WS#<ws>` / `EMAILBROADCAST#<id>` with
 * its counts, and one marker `WS#<ws>` / `EMAILBROADCASTPAGE#<id>#<page>` per audience page
 * recorded. A page's counts are added in the same transaction that creates its marker
 * (attribute_not_exists), so a redelivered page adds nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BroadcastRecord, BroadcastStore } from '../email/broadcast';
import { conditionally } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import { emailBroadcastPageSk, emailBroadcastSk, workspacePk } from './keys';

const FIELDS = [
  'workspaceId',
  'broadcastId',
  'templateId',
  'version',
  'category',
  'audience',
  'enqueued',
  'skipped',
  'pagesDone',
  'lastPage',
  'createdAt',
  'updatedAt',
  'createdBy',
] as const;

const recordOf = (item: Item): BroadcastRecord => {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) if (item[k] !== undefined && item[k] !== null) out[k] = item[k];
  return { audience: {}, enqueued: 0, skipped: 0, pagesDone: 0, ...out } as BroadcastRecord;
};

export function dynamoBroadcasts(db: DynamoDBDocumentClient, table: string): BroadcastStore {
  return {
    async create(record) {
      return conditionally(
        transactWrite(db, [
          putIfAbsent(table, {
            pk: workspacePk(record.workspaceId),
            sk: emailBroadcastSk(record.broadcastId),
            type: 'emailBroadcast',
            ...record,
          }),
        ]),
      );
    },

    async get(workspaceId, broadcastId) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: emailBroadcastSk(broadcastId) },
        { consistent: true },
      );
      return item ? recordOf(item) : undefined;
    },

    async pageRecorded(workspaceId, broadcastId, page) {
      const item = await getItem(
        db,
        table,
        { pk: workspacePk(workspaceId), sk: emailBroadcastPageSk(broadcastId, page) },
        { consistent: true, projection: 'pk' },
      );
      return item !== undefined;
    },

    async recordPage(workspaceId, broadcastId, { page, enqueued, skipped, last, at }) {
      const pk = workspacePk(workspaceId);
      const values: Record<string, unknown> = { ':n': enqueued, ':s': skipped, ':one': 1, ':at': at };
      if (last) values[':page'] = page;
      return conditionally(
        transactWrite(db, [
          putIfAbsent(table, {
            pk,
            sk: emailBroadcastPageSk(broadcastId, page),
            type: 'emailBroadcastPage',
            broadcastId,
            page,
            enqueued,
            skipped,
            recordedAt: at,
          }),
          {
            Update: {
              TableName: table,
              Key: { pk, sk: emailBroadcastSk(broadcastId) },
              UpdateExpression: `ADD enqueued :n, skipped :s, pagesDone :one SET updatedAt = :at${last ? ', lastPage = :page' : ''}`,
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: values,
            },
          },
        ]),
        0,
      );
    },
  };
}
