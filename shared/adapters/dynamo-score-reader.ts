/** Reading scores (core table): a contact's score, its ledger, and the hot leads through gsi2. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HotLead, ScoredContact, ScoreReader } from '../crm/scoring/ports';
import type { LedgerEntry } from '../crm/scoring/score-state';
import { ANY_SORT_KEY, beginsWith } from './dynamo/cursor';
import { getItem } from './dynamo/item';
import { pagedQuery, rangeListing } from './dynamo/query';
import { strip } from './dynamo-score-common';
import { CONTACT_PREFIX, contactSk, interactionPk, LEDGER_PREFIX, tierGsi2, workspacePk } from './keys';

export function dynamoScoreReader(db: DynamoDBDocumentClient, table: string): ScoreReader {
  return {
    async contact(workspaceId, contactId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: contactSk(contactId) });
      return item ? (strip(item) as unknown as ScoredContact) : undefined;
    },

    async ledger(workspaceId, contactId, limit, cursor) {
      const listing = rangeListing(table, interactionPk(workspaceId, contactId), beginsWith(LEDGER_PREFIX));
      const page = await pagedQuery(
        db,
        { ...listing.input, ScanIndexForward: false },
        { limit, cursor, shape: listing.shape },
      );
      const items = page.items.map((i) => strip(i) as unknown as LedgerEntry);
      return page.cursor ? { items, cursor: page.cursor } : { items };
    },

    async hotLeads(workspaceId, limit, cursor) {
      // The whole hot-tier partition of gsi2 (no sort-key condition), best score first.
      const listing = rangeListing(table, tierGsi2(workspaceId, 'hot', 0, '').gsi2pk, ANY_SORT_KEY, {
        index: 'gsi2',
        tablePk: workspacePk(workspaceId),
        tableSk: beginsWith(CONTACT_PREFIX),
      });
      const page = await pagedQuery(
        db,
        {
          ...listing.input,
          FilterExpression: 'attribute_not_exists(deletedAt)',
          ScanIndexForward: false,
          // One past the page: read, it tells a next page exists (a Query stopped at its Limit
          // answers a LastEvaluatedKey even at the last item).
          Limit: limit + 1,
        },
        {
          limit,
          cursor,
          shape: listing.shape,
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
