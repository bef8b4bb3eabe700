/** Reading scores (core table): a contact's score, its ledger, and the hot leads through gsi2. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HotLead, ScoredContact, ScoreReader } from '../crm/scoring/ports';
import type { LedgerEntry } from '../crm/scoring/score-state';
import { getItem } from './dynamo/item';
import { pagedQuery, prefixQuery } from './dynamo/query';
import { strip } from './dynamo-score-common';
import { CONTACT_PREFIX, contactSk, interactionPk, LEDGER_PREFIX, tierGsi2, workspacePk } from './keys';

export function dynamoScoreReader(db: DynamoDBDocumentClient, table: string): ScoreReader {
  return {
    async contact(workspaceId, contactId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: contactSk(contactId) });
      return item ? (strip(item) as unknown as ScoredContact) : undefined;
    },

    async ledger(workspaceId, contactId, limit, cursor) {
      const pk = interactionPk(workspaceId, contactId);
      const page = await pagedQuery(
        db,
        { ...prefixQuery(table, pk, LEDGER_PREFIX), ScanIndexForward: false },
        { limit, cursor, shape: { equals: { pk }, within: { sk: [LEDGER_PREFIX, 'LEDGER$'] } } },
      );
      const items = page.items.map((i) => strip(i) as unknown as LedgerEntry);
      return page.cursor ? { items, cursor: page.cursor } : { items };
    },

    async hotLeads(workspaceId, limit, cursor) {
      const gsi2pk = tierGsi2(workspaceId, 'hot', 0, '').gsi2pk;
      const pk = workspacePk(workspaceId);
      const page = await pagedQuery(
        db,
        {
          TableName: table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :g',
          FilterExpression: 'attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ':g': gsi2pk },
          ScanIndexForward: false,
          Limit: limit,
        },
        {
          limit,
          cursor,
          shape: { equals: { gsi2pk, pk }, within: { sk: [CONTACT_PREFIX, 'CONTACT$'], gsi2sk: ['0', '9~'] } },
          collect: { maxPages: 5, keyOf: (i) => ({ pk: i.pk, sk: i.sk, gsi2pk: i.gsi2pk, gsi2sk: i.gsi2sk }) },
        },
      );
      const leads: HotLead[] = page.items.map((i) => ({
        contactId: String(i.contactId ?? String(i.sk).slice(CONTACT_PREFIX.length)),
        email: String(i.email ?? ''),
        ...(i.firstName ? { firstName: String(i.firstName) } : {}),
        ...(i.lastName ? { lastName: String(i.lastName) } : {}),
        ...(i.company ? { company: String(i.company) } : {}),
        score: Number(i.score ?? 0),
      }));
      return page.cursor ? { items: leads, cursor: page.cursor } : { items: leads };
    },
  };
}
