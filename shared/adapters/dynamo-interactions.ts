/**
 * Interactions in the `core` table: one partition per contact (`WS#<ws>#CONTACT#<id>`),
 * sorted by `INTERACTION#<occurredAt>#<id>`, so the timeline is one Query read backwards.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InteractionStore } from '../crm/contacts/ports';
import type { Interaction } from '../crm/model';
import { conditionally } from './dynamo/conditions';
import { prefixRange } from './dynamo/cursor';
import { pagedQuery, prefixQuery } from './dynamo/query';
import { INTERACTION_PREFIX, interactionPk, interactionSk } from './keys';

const fromItem = (item: Record<string, unknown>): Interaction => ({
  interactionId: String(item.interactionId),
  workspaceId: String(item.workspaceId),
  contactId: String(item.contactId),
  type: item.type_ as Interaction['type'],
  occurredAt: String(item.occurredAt),
  metadata: (item.metadata ?? {}) as Interaction['metadata'],
  source: String(item.source),
});

/** An interaction's item; written once (`attribute_not_exists(pk)`): the first write of its key wins. */
export const interactionItem = (i: Interaction): Record<string, unknown> => ({
  pk: interactionPk(i.workspaceId, i.contactId),
  sk: interactionSk(i.occurredAt, i.interactionId),
  // `type` names the record kind across the table; the interaction's own type is `type_`.
  type: 'interaction',
  type_: i.type,
  interactionId: i.interactionId,
  workspaceId: i.workspaceId,
  contactId: i.contactId,
  occurredAt: i.occurredAt,
  metadata: i.metadata,
  source: i.source,
});

export function dynamoInteractions(db: DynamoDBDocumentClient, table: string): InteractionStore {
  return {
    put(i) {
      return conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: interactionItem(i),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async timeline(workspaceId, contactId, page) {
      const pk = interactionPk(workspaceId, contactId);
      const found = await pagedQuery(
        db,
        { ...prefixQuery(table, pk, INTERACTION_PREFIX), ScanIndexForward: false },
        {
          limit: page.limit,
          cursor: page.cursor,
          shape: { equals: { pk }, within: { sk: prefixRange(INTERACTION_PREFIX) } },
        },
      );
      return { interactions: found.items.map(fromItem), ...(found.cursor ? { nextCursor: found.cursor } : {}) };
    },
  };
}
