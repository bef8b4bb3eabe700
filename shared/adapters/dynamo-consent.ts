/**
 * Consent records in the core table, in the contact's interaction partition
 * (`WS#<ws>#CONTACT#<id>` / `CONSENT#<at>#<consentId>`), so one query lists a contact's
 * history in time order. Put only: a record is never changed.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord, ConsentStore } from '../crm/contacts/consent';
import { batchPut } from './dynamo/batch';
import { prefixQuery, queryAll } from './dynamo/query';
import { CONSENT_PREFIX, consentSk, interactionPk } from './keys';

/** A consent record's item: also written inside other transactions (an unsubscribe's opt-out). */
export const consentItem = (r: ConsentRecord) => ({
  pk: interactionPk(r.workspaceId, r.contactId),
  sk: consentSk(r.at, r.consentId),
  type: 'CONSENT',
  ...r,
  ...(Array.isArray(r.scope) ? { scope: [...r.scope] } : {}),
});

export function dynamoConsent(db: DynamoDBDocumentClient, table: string): ConsentStore {
  return {
    async append(records) {
      await batchPut(db, table, records.map(consentItem));
    },

    async list(workspaceId, contactId) {
      const items = await queryAll(db, prefixQuery(table, interactionPk(workspaceId, contactId), CONSENT_PREFIX));
      return items.map(({ pk: _pk, sk: _sk, type: _type, ...record }) => record as unknown as ConsentRecord);
    },
  };
}
