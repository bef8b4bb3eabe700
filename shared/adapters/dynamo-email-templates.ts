/**
 * Stored email templates in the `core` table (keys: ./keys.ts). The record is `WS#<ws>` /
 * `EMAILTEMPLATE#<id>` with `latestVersion`; each version is its own immutable item
 * `WS#<ws>` / `EMAILTEMPLATEVERSION#<id>#<000001>`, written once (attribute_not_exists) in
 * the same transaction that moves the record's pointer, conditional on the pointer still
 * being where the writer read it. A delete sets `deletedAt` on the record only: versions stay
 * readable for sends already queued.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../email/stored-templates';
import { ttlMemo } from '../ttl-memo';
import { conditionally } from './dynamo/conditions';
import { beginsWith } from './dynamo/cursor';
import { getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { pagedQuery, rangeListing } from './dynamo/query';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import { EMAIL_TEMPLATE_PREFIX, emailTemplateSk, emailTemplateVersionSk, workspacePk } from './keys';

/** Query pages read at most per list call (deleted templates are filtered out). */
const MAX_PAGES = 5;

const RECORD_FIELDS = [
  'workspaceId',
  'templateId',
  'name',
  'category',
  'topic',
  'latestVersion',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;
const VERSION_FIELDS = [
  'workspaceId',
  'templateId',
  'version',
  'name',
  'category',
  'topic',
  'subject',
  'html',
  'text',
  'createdAt',
  'createdBy',
] as const;

const pick = <T>(item: Item, fields: readonly string[]): T => {
  const out: Record<string, unknown> = {};
  for (const k of fields) if (item[k] !== undefined && item[k] !== null) out[k] = item[k];
  return out as T;
};

const versionItem = (v: TemplateVersion): Item => ({
  pk: workspacePk(v.workspaceId),
  sk: emailTemplateVersionSk(v.templateId, v.version),
  type: 'emailTemplateVersion',
  ...v,
});

/** Saved versions an instance keeps: a version never changes once saved (edits add the next one). */
const VERSIONS_KEPT = 500;

export function dynamoEmailTemplates(db: DynamoDBDocumentClient, table: string): TemplateStore {
  const frozenVersion = ttlMemo(
    async (key) => {
      const [workspaceId = '', templateId = '', version = ''] = key.split('\u0000');
      const item = await getItem(db, table, {
        pk: workspacePk(workspaceId),
        sk: emailTemplateVersionSk(templateId, Number(version)),
      });
      return item ? pick<TemplateVersion>(item, VERSION_FIELDS) : undefined;
    },
    { ttlMs: Number.POSITIVE_INFINITY, maxKeys: VERSIONS_KEPT, keep: (found) => found !== undefined },
  );
  return {
    async create(record, first) {
      await transactWrite(db, [
        putIfAbsent(table, {
          pk: workspacePk(record.workspaceId),
          sk: emailTemplateSk(record.templateId),
          type: 'emailTemplate',
          ...record,
        }),
        putIfAbsent(table, versionItem(first)),
      ]);
    },

    async addVersion(next, updatedAt) {
      const names: Record<string, string> = { '#name': 'name', '#category': 'category', '#topic': 'topic' };
      const values: Record<string, unknown> = {
        ':next': next.version,
        ':expected': next.version - 1,
        ':name': next.name,
        ':category': next.category,
        ':at': updatedAt,
      };
      let update = 'SET latestVersion = :next, #name = :name, #category = :category, updatedAt = :at';
      if (next.topic) {
        values[':topic'] = next.topic;
        update += ', #topic = :topic';
      } else {
        update += ' REMOVE #topic';
      }
      return conditionally(
        transactWrite(db, [
          {
            Update: {
              TableName: table,
              Key: { pk: workspacePk(next.workspaceId), sk: emailTemplateSk(next.templateId) },
              UpdateExpression: update,
              ConditionExpression: 'latestVersion = :expected AND attribute_not_exists(deletedAt)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          },
          putIfAbsent(table, versionItem(next)),
        ]),
      );
    },

    async get(workspaceId, templateId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: emailTemplateSk(templateId) });
      return item ? pick<TemplateRecord>(item, RECORD_FIELDS) : undefined;
    },

    version: (workspaceId, templateId, version) => frozenVersion(`${workspaceId}\u0000${templateId}\u0000${version}`),

    async list(workspaceId, page) {
      const listing = rangeListing(table, workspacePk(workspaceId), beginsWith(EMAIL_TEMPLATE_PREFIX));
      const found = await pagedQuery(
        db,
        {
          ...listing.input,
          FilterExpression: 'attribute_not_exists(deletedAt)',
          Limit: Math.max(page.limit * 2, 50),
        },
        {
          limit: page.limit,
          cursor: page.cursor,
          shape: listing.shape,
          collect: { maxPages: MAX_PAGES, keyOf: (item) => ({ pk: item.pk, sk: item.sk }) },
        },
      );
      return {
        templates: found.items.map((item) => pick<TemplateRecord>(item, RECORD_FIELDS)),
        ...(found.cursor ? { nextCursor: found.cursor } : {}),
      };
    },

    async markDeleted(workspaceId, templateId, at) {
      // With a token of its own (`deleteMark`): retried by the SDK after DynamoDB applied it (its
      // answer lost), it is refused by its own mark and is the delete, not "not found" (a 404).
      const mark = ownToken();
      const deleted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: emailTemplateSk(templateId) },
            UpdateExpression: 'SET deletedAt = :at, updatedAt = :at, deleteMark = :mark',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
            ExpressionAttributeValues: { ':at': at, ':mark': mark },
          },
        },
        (item) => item.deleteMark === mark,
      );
      return deleted.written;
    },
  };
}
