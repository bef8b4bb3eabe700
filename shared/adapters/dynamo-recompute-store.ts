/** The recompute job's storage (core table): contacts by page, interactions, page claims and job status. */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INTERACTION_TYPES } from '../crm/model';
import type { RecomputeStore, ScoredContact } from '../crm/scoring/ports';
import type { ScorableInteraction } from '../crm/scoring/score-state';
import { conditionally } from './dynamo/conditions';
import { beginsWith } from './dynamo/cursor';
import { epochSeconds, getItem } from './dynamo/item';
import { pagedQuery, prefixQuery, queryPages, rangeListing } from './dynamo/query';
import { transactWrite } from './dynamo/transact';
import { strip } from './dynamo-score-common';
import { CONTACT_PREFIX, INTERACTION_PREFIX, interactionPk, jobPageSk, jobSk, workspacePk } from './keys';

/** How long a finished page's claim is kept (TTL): well past any redelivery. */
const PAGE_CLAIM_SECONDS = 14 * 86_400;

export function dynamoRecomputeStore(db: DynamoDBDocumentClient, table: string): RecomputeStore {
  return {
    async contacts(workspaceId, limit, cursor) {
      const listing = rangeListing(table, workspacePk(workspaceId), beginsWith(CONTACT_PREFIX));
      const page = await pagedQuery(db, listing.input, { limit, cursor, shape: listing.shape });
      const items = page.items.map((i) => {
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
      return page.cursor ? { items, cursor: page.cursor } : { items };
    },

    async interactions(workspaceId, contactId, max) {
      const items: Array<ScorableInteraction> = [];
      const query = {
        ...prefixQuery(table, interactionPk(workspaceId, contactId), INTERACTION_PREFIX),
        // The contacts adapter keeps the interaction's own type in `type_` (`type` is the record kind).
        ProjectionExpression: 'interactionId, type_, occurredAt, metadata.suspectedBot',
        // Strongly consistent: the replay is written conditional on the state read just before, so
        // an interaction that state counts must be in it (an eventually consistent read may miss
        // one committed a moment ago, and the write would drop its points for good).
        ConsistentRead: true,
      };
      for await (const page of queryPages(db, query)) {
        for (const i of page) {
          const type = INTERACTION_TYPES.find((t) => t === i.type_);
          if (type && typeof i.interactionId === 'string' && typeof i.occurredAt === 'string')
            items.push({
              interactionId: i.interactionId,
              type,
              occurredAt: i.occurredAt,
              ...(i.metadata ? { metadata: i.metadata as Record<string, unknown> } : {}),
            });
        }
        if (items.length > max) return { items: items.slice(0, max), complete: false };
      }
      return { items, complete: true };
    },

    async pageDone(workspaceId, jobId, page) {
      const key = { pk: workspacePk(workspaceId), sk: jobPageSk(jobId, page) };
      return (await getItem(db, table, key, { consistent: true })) !== undefined;
    },

    async finishPage(workspaceId, jobId, page, contacts, last, now) {
      const pk = workspacePk(workspaceId);
      const at = now.toISOString();
      // A failed claim: the page was finished by an earlier delivery.
      await conditionally(
        transactWrite(db, [
          {
            Put: {
              TableName: table,
              Item: {
                pk,
                sk: jobPageSk(jobId, page),
                type: 'scoreJobPage',
                contacts,
                at,
                expiresAt: epochSeconds(now) + PAGE_CLAIM_SECONDS,
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
        ]),
        0,
      );
    },

    async markSuperseded(workspaceId, jobId, now) {
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: jobSk(jobId) },
            UpdateExpression: 'SET #s = :s, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'superseded', ':at': now.toISOString() },
          }),
        ),
      );
    },
  };
}
