import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { workspacePk } from '../../adapters/keys';
import { collectPages, decodeKeyCursor, encodeCursor, type Key } from '../../governance/paging';
import { CONTACT_PREFIX, contactSk, interactionPk, tierGsi2 } from '../keys';
import { strip } from './dynamo-score-common';
import type { HotLead, ScoredContact, ScoreReader } from './ports';
import type { LedgerEntry } from './score-state';

type Db = DynamoDBDocumentClient;

export function dynamoScoreReader(db: Db, table: string): ScoreReader {
  return {
    async contact(workspaceId, contactId) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) } }),
      );
      return out.Item ? (strip(out.Item) as unknown as ScoredContact) : undefined;
    },

    async ledger(workspaceId, contactId, limit, cursor) {
      const pk = interactionPk(workspaceId, contactId);
      const start = decodeKeyCursor(cursor, { equals: { pk }, within: { sk: ['LEDGER#', 'LEDGER$'] } });
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': 'LEDGER#' },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      const items = (out.Items ?? []).map((i) => strip(i) as unknown as LedgerEntry);
      return next ? { items, cursor: next } : { items };
    },

    async hotLeads(workspaceId, limit, cursor) {
      const gsi2pk = tierGsi2(workspaceId, 'hot', 0, '').gsi2pk;
      const pk = workspacePk(workspaceId);
      const startKey = decodeKeyCursor(cursor, {
        equals: { gsi2pk, pk },
        within: { sk: [CONTACT_PREFIX, 'CONTACT$'], gsi2sk: ['0', '9~'] },
      });
      const { items, nextKey } = await collectPages<Record<string, unknown>>(
        async (start) => {
          const out = await db.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :g',
              FilterExpression: 'attribute_not_exists(deletedAt)',
              ExpressionAttributeValues: { ':g': gsi2pk },
              ScanIndexForward: false,
              Limit: limit,
              ExclusiveStartKey: start,
            }),
          );
          return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
        },
        {
          limit,
          maxPages: 5,
          ...(startKey ? { startKey } : {}),
          keyOf: (i) => ({ pk: i.pk, sk: i.sk, gsi2pk: i.gsi2pk, gsi2sk: i.gsi2sk }),
        },
      );
      const leads: HotLead[] = items.map((i) => ({
        contactId: String(i.contactId ?? String(i.sk).slice(CONTACT_PREFIX.length)),
        email: String(i.email ?? ''),
        ...(i.firstName ? { firstName: String(i.firstName) } : {}),
        ...(i.lastName ? { lastName: String(i.lastName) } : {}),
        ...(i.company ? { company: String(i.company) } : {}),
        score: Number(i.score ?? 0),
      }));
      const next = encodeCursor(nextKey as Key | undefined);
      return next ? { items: leads, cursor: next } : { items: leads };
    },
  };
}
