/**
 * Suppressed addresses in the core table: `WS#<workspace>` / `SUPPRESSION#<email>` per
 * workspace, `GLOBAL` / `SUPPRESSION#<email>` for every workspace. An item keeps every reason
 * that applies (a string set), so an unsubscribe does not hide a later hard bounce. A contact's
 * own opt-outs (`WS#<workspace>` / `CONTACTOPTOUT#<contactId>`: an unsubscribe, a topic opt-out,
 * a spam complaint) follow the person to any address; marketing sends read them with the address's.
 * The lookup reads both keys strongly consistently (an unsubscribe honoured "at once" must be
 * seen by the very next send), in a BatchGetItem shared with the lookups running at the same time.
 *
 * An unsubscribe link writes through {@link dynamoUnsubscribeSuppressions}: its opt-outs are
 * conditional (a reason is added only by the write that finds it absent), in one transaction
 * with the consent withdrawal and the audit entry they cause, so concurrent requests of one link
 * record them once; the contact's item keeps the opt-out's timeline entry
 * (`unrecorded#<opt-out id>`) until it is recorded.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord } from '../crm/contacts/consent';
import type { SuppressionLookup } from '../email/ports';
import type { SuppressionReason } from '../email/suppression-rules';
import type { OptOutWrite, UnrecordedUnsubscribe, UnsubscribeSuppressions } from '../email/unsubscribe';
import { coalescedGetter } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import type { Item } from './dynamo/item';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
import { consentItem } from './dynamo-consent';
import { contactOptOutSk, GLOBAL_PK, suppressionSk, workspacePk } from './keys';

/** Writes suppressions (used by the event processor and the unsubscribe route). */
export interface SuppressionWriter {
  /** Adds `reason` for `email` in `workspaceId`, or in the global list when `workspaceId` is `'global'`. */
  suppress(workspaceId: string | 'global', email: string, reason: SuppressionReason, atMs: number): Promise<void>;
  /**
   * Adds `reason` to the contact's own opt-outs (`CONTACTOPTOUT#<id>`): it follows the contact to
   * any address (an unsubscribe, a topic opt-out, a spam complaint; never a bounce, a mailbox's fact).
   */
  suppressContact(workspaceId: string, contactId: string, reason: SuppressionReason, atMs: number): Promise<void>;
}

const pkOf = (workspaceId: string | 'global') => (workspaceId === 'global' ? GLOBAL_PK : workspacePk(workspaceId));

export function dynamoSuppressions(db: DynamoDBDocumentClient, table: string): SuppressionLookup & SuppressionWriter {
  // Strongly consistent (an unsubscribe is seen by the very next send); concurrent lookups (the
  // records of one SQS batch, each asking for its workspace and the global list) share BatchGetItem calls.
  const read = coalescedGetter(db, table, { consistent: true });
  const reasonsAt = async (pk: string, sk: string): Promise<SuppressionReason[]> => {
    const item = await read({ pk, sk });
    const reasons = item?.reasons;
    return reasons instanceof Set ? ([...reasons] as SuppressionReason[]) : [];
  };
  const add = (key: { pk: string; sk: string }, reason: SuppressionReason, atMs: number, set: Record<string, string>) =>
    db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `ADD reasons :reason SET ${Object.keys(set)
          .map((name) => `${name} = :${name}`)
          .join(', ')}, updatedAtMs = :at, firstAtMs = if_not_exists(firstAtMs, :at)`,
        ExpressionAttributeValues: {
          ':reason': new Set([reason]),
          ':at': atMs,
          ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
        },
      }),
    );
  return {
    async reasonsFor(workspaceId, email, contactId) {
      // One BatchGetItem with the other lookups of the moment: the contact's opt-outs ride along.
      const [own, global, person] = await Promise.all([
        reasonsAt(workspacePk(workspaceId), suppressionSk(email)),
        reasonsAt(GLOBAL_PK, suppressionSk(email)),
        contactId ? reasonsAt(workspacePk(workspaceId), contactOptOutSk(contactId)) : [],
      ]);
      return [...new Set([...global, ...own, ...person])];
    },

    async suppress(workspaceId, email, reason, atMs) {
      await add({ pk: pkOf(workspaceId), sk: suppressionSk(email) }, reason, atMs, {
        email: email.trim().toLowerCase(),
      });
    },

    async suppressContact(workspaceId, contactId, reason, atMs) {
      await add({ pk: workspacePk(workspaceId), sk: contactOptOutSk(contactId) }, reason, atMs, { contactId });
    },
  };
}

/** The attribute of the contact's opt-out item that keeps an opt-out's timeline entry until it is recorded. */
const UNRECORDED_PREFIX = 'unrecorded#';

const reasonsOf = (item: Item | undefined): SuppressionReason[] =>
  item?.reasons instanceof Set ? ([...item.reasons] as SuppressionReason[]) : [];

const unrecordedOf = (item: Item | undefined): UnrecordedUnsubscribe[] =>
  Object.entries(item ?? {})
    .filter(([name, value]) => name.startsWith(UNRECORDED_PREFIX) && typeof value === 'object' && value !== null)
    .map(([name, value]) => {
      const v = value as Record<string, unknown>;
      return {
        id: name.slice(UNRECORDED_PREFIX.length),
        atMs: Number(v.atMs),
        writtenAtMs: Number(v.writtenAtMs),
        metadata: typeof v.metadata === 'object' && v.metadata !== null ? (v.metadata as Record<string, unknown>) : {},
      };
    })
    .sort((a, b) => a.atMs - b.atMs);

/**
 * The Update adding `reasons` to a suppression item, conditional on the item holding none of them:
 * the write that adds a reason is the one that finds it absent.
 */
function addIfLacking(
  table: string,
  key: { pk: string; sk: string },
  reasons: readonly SuppressionReason[],
  atMs: number,
  set: Record<string, unknown>,
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':reasons': new Set(reasons), ':at': atMs };
  const assignments = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  for (const [i, reason] of reasons.entries()) values[`:r${i}`] = reason;
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `ADD reasons :reasons SET ${[...assignments, 'updatedAtMs = :at', 'firstAtMs = if_not_exists(firstAtMs, :at)'].join(', ')}`,
      ConditionExpression: reasons.map((_, i) => `NOT contains(reasons, :r${i})`).join(' AND '),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/** A consent record's item (as `dynamoConsent` writes it), created once. */
const consentPut = (table: string, r: ConsentRecord): TransactItem => ({
  Put: { TableName: table, Item: consentItem(r), ConditionExpression: 'attribute_not_exists(pk)' },
});

/**
 * The suppression store as an unsubscribe link uses it (shared/email/unsubscribe.ts): the lookup,
 * the contact's own opt-outs read alone, and the opt-out transaction: the address's and the
 * contact's reasons, each added only if the item holds none of them, with the consent withdrawal
 * (core table) and the audit entry (`auditTable`), all or nothing. A lost race writes nothing.
 */
export function dynamoUnsubscribeSuppressions(
  db: DynamoDBDocumentClient,
  table: string,
  auditTable: string,
): UnsubscribeSuppressions {
  const lookup = dynamoSuppressions(db, table);
  const read = coalescedGetter(db, table, { consistent: true });
  const optOutKey = (workspaceId: string, contactId: string) => ({
    pk: workspacePk(workspaceId),
    sk: contactOptOutSk(contactId),
  });
  return {
    reasonsFor: lookup.reasonsFor,

    async contactOptOuts(workspaceId, contactId) {
      const item = await read(optOutKey(workspaceId, contactId));
      return { reasons: reasonsOf(item), unrecorded: unrecordedOf(item) };
    },

    optOut(write: OptOutWrite) {
      const { workspaceId, atMs, address, person } = write;
      const items: TransactItem[] = [];
      if (person) {
        const { id, ...entry } = person.unrecorded;
        items.push(
          addIfLacking(table, optOutKey(workspaceId, person.contactId), person.reasons, atMs, {
            contactId: person.contactId,
            [`${UNRECORDED_PREFIX}${id}`]: entry,
          }),
          consentPut(table, person.consent),
        );
      }
      if (address) {
        items.push(
          addIfLacking(
            table,
            { pk: workspacePk(workspaceId), sk: suppressionSk(address.email) },
            address.reasons,
            atMs,
            { email: address.email.trim().toLowerCase() },
          ),
        );
      }
      items.push({ Put: auditPut(auditTable, write.audit) });
      return conditionally(transactWrite(db, items));
    },

    async unsubscribeRecorded(workspaceId, contactId, id) {
      // Only on the item that has it: a REMOVE alone would create an empty item where none is.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: optOutKey(workspaceId, contactId),
            UpdateExpression: 'REMOVE #entry',
            ConditionExpression: 'attribute_exists(#entry)',
            ExpressionAttributeNames: { '#entry': `${UNRECORDED_PREFIX}${id}` },
          }),
        ),
      );
    },
  };
}
