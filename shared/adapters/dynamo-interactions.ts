/**
 * Interactions in the `core` table: one partition per contact (`WS#<ws>#CONTACT#<id>`),
 * sorted by `INTERACTION#<occurredAt>#<id>`, so the timeline is one Query read backwards.
 * The first page's Query starts at the contact's head item (`CONTACT_HEAD_SK`, sorted right
 * after the interactions; dynamo-contacts.ts writes it), so it also says whether the contact
 * is live or deleted, without a read of the contact. Every page reads one interaction past its
 * `limit`: a cursor is answered only when there is one; and answers what fits in a function's
 * answer ({@link withinAnswer}), the cursor then after the last interaction answered.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { InteractionStore } from '../crm/contacts/ports';
import type { Interaction } from '../crm/model';
import { conditionally } from './dynamo/conditions';
import { beginsWith, encodeCursor } from './dynamo/cursor';
import { pagedQuery, rangeListing, withinAnswer } from './dynamo/query';
import { CONTACT_HEAD_SK, INTERACTION_PREFIX, interactionPk, interactionSk } from './keys';

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
      if (!page.cursor) {
        // The head (when present) comes first, then the page's `limit` interactions and one more,
        // which, when read, tells a next page exists (the head takes a slot of its own: with
        // `limit + 1`, a contact of exactly `limit` interactions had a cursor to an empty page).
        const limit = page.limit + 2;
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :head',
            ExpressionAttributeValues: { ':pk': pk, ':from': INTERACTION_PREFIX, ':head': CONTACT_HEAD_SK },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        const items = out.Items ?? [];
        // Stopped short of its Limit with a LastEvaluatedKey: at its 1 MB, more may follow.
        const cut = out.LastEvaluatedKey !== undefined && items.length < limit;
        const head = items[0]?.sk === CONTACT_HEAD_SK ? items.shift() : undefined;
        const shown = withinAnswer(items.slice(0, page.limit));
        const last = shown.items.at(-1);
        const more = items.length > page.limit || cut || shown.cut;
        const nextCursor = more && last ? encodeCursor({ pk, sk: last.sk }) : undefined;
        return {
          interactions: shown.items.map(fromItem),
          ...(nextCursor ? { nextCursor } : {}),
          ...(head ? { contactState: head.deleted === true ? ('deleted' as const) : ('live' as const) } : {}),
        };
      }
      const listing = rangeListing(table, pk, beginsWith(INTERACTION_PREFIX));
      const found = await pagedQuery(
        db,
        { ...listing.input, ScanIndexForward: false },
        { limit: page.limit, cursor: page.cursor, shape: listing.shape },
      );
      return { interactions: found.items.map(fromItem), ...(found.cursor ? { nextCursor: found.cursor } : {}) };
    },
  };
}
