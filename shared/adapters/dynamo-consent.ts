/**
 * Consent records in the core table, in the contact's interaction partition
 * (`WS#<ws>#CONTACT#<id>` / `CONSENT#<at>#<consentId>`), so one query lists a contact's
 * history in time order. Put only: a record is never changed. The history is read a page at a
 * time (a cursor bound to the contact's records, each page cut to what a function may answer),
 * or its latest record alone: never whole, however long it grows.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord, ConsentStore } from '../crm/contacts/consent';
import { batchPut } from './dynamo/batch';
import { beginsWith } from './dynamo/cursor';
import { pagedQuery, prefixQuery, rangeListing } from './dynamo/query';
import { CONSENT_PREFIX, consentSk, interactionPk } from './keys';

/** A consent record's item: also written inside other transactions (an unsubscribe's opt-out). */
export const consentItem = (r: ConsentRecord) => ({
  pk: interactionPk(r.workspaceId, r.contactId),
  sk: consentSk(r.at, r.consentId),
  type: 'CONSENT',
  ...r,
  ...(Array.isArray(r.scope) ? { scope: [...r.scope] } : {}),
});

const fromItem = ({ pk: _pk, sk: _sk, type: _type, ...record }: Record<string, unknown>) =>
  record as unknown as ConsentRecord;

export function dynamoConsent(db: DynamoDBDocumentClient, table: string): ConsentStore {
  return {
    async append(records) {
      await batchPut(db, table, records.map(consentItem));
    },

    async list(workspaceId, contactId, { limit, cursor }) {
      const { input, shape } = rangeListing(table, interactionPk(workspaceId, contactId), beginsWith(CONSENT_PREFIX));
      const page = await pagedQuery(db, input, { limit, cursor, shape });
      return { consent: page.items.map(fromItem), ...(page.cursor ? { nextCursor: page.cursor } : {}) };
    },

    async latest(workspaceId, contactId) {
      const out = await db.send(
        new QueryCommand({
          ...prefixQuery(table, interactionPk(workspaceId, contactId), CONSENT_PREFIX),
          ScanIndexForward: false,
          Limit: 1,
          // An import's retry reads what its failed attempt wrote moments ago.
          ConsistentRead: true,
        }),
      );
      const item = out.Items?.[0];
      return item ? fromItem(item) : undefined;
    },
  };
}
