/**
 * Interactions in the `core` table: one partition per contact (`WS#<ws>#CONTACT#<id>`),
 * sorted by `INTERACTION#<occurredAt>#<id>`, so the timeline is one Query read backwards.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { InteractionStore } from '../crm/contacts/ports';
import { interactionPk, interactionSk } from '../crm/keys';
import type { Interaction } from '../crm/model';
import { decodeKeyCursor, encodeCursor } from '../governance/paging';

const PREFIX = 'INTERACTION#';

const fromItem = (item: Record<string, unknown>): Interaction => ({
  interactionId: String(item.interactionId),
  workspaceId: String(item.workspaceId),
  contactId: String(item.contactId),
  type: item.type_ as Interaction['type'],
  occurredAt: String(item.occurredAt),
  metadata: (item.metadata ?? {}) as Interaction['metadata'],
  source: String(item.source),
});

export function dynamoInteractions(db: DynamoDBDocumentClient, table: string): InteractionStore {
  return {
    async put(i) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
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
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async timeline(workspaceId, contactId, page) {
      const pk = interactionPk(workspaceId, contactId);
      const start = decodeKeyCursor(page.cursor, { equals: { pk }, within: { sk: [PREFIX, `${PREFIX}\uffff`] } });
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': PREFIX },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: start,
        }),
      );
      const nextCursor = encodeCursor(out.LastEvaluatedKey);
      return { interactions: (out.Items ?? []).map(fromItem), ...(nextCursor ? { nextCursor } : {}) };
    },
  };
}
