import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { workspacePk } from '../../adapters/keys';
import { decodeKeyCursor, encodeCursor, type Key } from '../../governance/paging';
import { CONTACT_PREFIX, interactionPk } from '../keys';
import { INTERACTION_TYPES, type Interaction } from '../model';
import { conditionFailed, jobPageSk, jobSk, strip } from './dynamo-score-common';
import type { RecomputeStore, ScoredContact } from './ports';

type Db = DynamoDBDocumentClient;

export function dynamoRecomputeStore(db: Db, table: string): RecomputeStore {
  return {
    async contacts(workspaceId, limit, cursor) {
      const pk = workspacePk(workspaceId);
      const start = decodeKeyCursor(cursor, { equals: { pk }, within: { sk: [CONTACT_PREFIX, 'CONTACT$'] } });
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': CONTACT_PREFIX },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      const items = (out.Items ?? []).map((i) => {
        const c = strip(i) as Record<string, unknown>;
        return {
          tags: [],
          customFields: {},
          status: 'lead',
          score: 0,
          tier: 'cold',
          ...c,
          contactId: String(c.contactId ?? String(i.sk).slice(CONTACT_PREFIX.length)),
          workspaceId,
        } as unknown as ScoredContact;
      });
      const next = encodeCursor(out.LastEvaluatedKey);
      return next ? { items, cursor: next } : { items };
    },

    async interactions(workspaceId, contactId, max) {
      const items: Array<Pick<Interaction, 'interactionId' | 'type' | 'occurredAt'>> = [];
      let start: Key | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': interactionPk(workspaceId, contactId), ':p': 'INTERACTION#' },
            // The contacts adapter keeps the interaction's own type in `type_` (`type` is the record kind).
            ProjectionExpression: 'interactionId, type_, occurredAt',
            ExclusiveStartKey: start,
          }),
        );
        for (const i of out.Items ?? []) {
          const type = INTERACTION_TYPES.find((t) => t === i.type_);
          if (type && typeof i.interactionId === 'string' && typeof i.occurredAt === 'string')
            items.push({ interactionId: i.interactionId, type, occurredAt: i.occurredAt });
        }
        start = out.LastEvaluatedKey;
        if (items.length > max) return { items: items.slice(0, max), complete: false };
      } while (start);
      return { items, complete: true };
    },

    async pageDone(workspaceId, jobId, page) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: jobPageSk(jobId, page) },
          ConsistentRead: true,
        }),
      );
      return out.Item !== undefined;
    },

    async finishPage(workspaceId, jobId, page, contacts, last, now) {
      const pk = workspacePk(workspaceId);
      const at = now.toISOString();
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: jobPageSk(jobId, page),
                    type: 'scoreJobPage',
                    contacts,
                    at,
                    expiresAt: Math.floor(now.getTime() / 1000) + 14 * 86_400,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk, sk: jobSk(jobId) },
                  UpdateExpression: `ADD pages :one, contacts :n SET updatedAt = :at${last ? ', #s = :done, completedAt = :at' : ''}`,
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeNames: last ? { '#s': 'status' } : undefined,
                  ExpressionAttributeValues: {
                    ':one': 1,
                    ':n': contacts,
                    ':at': at,
                    ...(last ? { ':done': 'completed' } : {}),
                  },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (conditionFailed(error, 0)) return; // the page was finished by an earlier delivery
        throw error;
      }
    },

    async markSuperseded(workspaceId, jobId, now) {
      await db
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: jobSk(jobId) },
            UpdateExpression: 'SET #s = :s, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'superseded', ':at': now.toISOString() },
          }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        });
    },
  };
}
