/**
 * Suppressed addresses in the core table: `WS#<workspace>` / `SUPPRESSION#<email>` per
 * workspace, `GLOBAL` / `SUPPRESSION#<email>` for every workspace. An item keeps every reason
 * that applies (a string set), so an unsubscribe does not hide a later hard bounce. A contact's
 * own opt-outs (`WS#<workspace>` / `CONTACTOPTOUT#<contactId>`: an unsubscribe, a topic opt-out,
 * a spam complaint) follow the person to any address; marketing sends read them with the address's.
 * The lookup reads both keys strongly consistently (an unsubscribe honoured "at once" must be
 * seen by the very next send), in a BatchGetItem shared with the lookups running at the same time;
 * the sender's read of the contact a send names (`contactStatus`: live? its address, its CRM status)
 * joins that call too.
 *
 * An unsubscribe link writes through {@link dynamoUnsubscribeSuppressions}: its opt-outs are
 * conditional (a reason is added only by the write that finds it absent), in one transaction
 * with the consent withdrawal and the audit entry they cause, so concurrent requests of one link
 * record them once; the contact's item keeps the opt-out's timeline entry
 * (`unrecorded#<opt-out id>`) until it is recorded.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord } from '../crm/contacts/consent';
import { OptOutRefusedError } from '../email/opt-out-refused';
import type { SuppressionLookup } from '../email/ports';
import type { ContactAtSend } from '../email/send-email';
import {
  MAX_REASONS_PER_ITEM,
  NON_TOPIC_REASONS,
  optedOutTopic,
  type SuppressionReason,
} from '../email/suppression-rules';
import type { OptOutTarget, OptOutWrite, UnrecordedUnsubscribe, UnsubscribeSuppressions } from '../email/unsubscribe';
import { coalescedGetter } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import type { Item } from './dynamo/item';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { auditPut } from './dynamo-audit';
import { consentItem } from './dynamo-consent';
import { contactOptOutSk, contactSk, GLOBAL_PK, suppressionSk, workspacePk } from './keys';

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

/** The contact a send names as the sender reads it with the suppressions (send-email.ts `contactStatusOf`). */
export interface ContactStatusReader {
  /**
   * The live contact's `status` and `email` (its item `WS#<ws>` / `CONTACT#<id>`, core), strongly
   * consistent; undefined when there is no such contact or it is deleted (`deletedAt`), so a queued
   * mail naming it is not sent. Read through the same coalesced BatchGetItem as `reasonsFor`: asked
   * for at the same moment, it rides in that call (no request of its own).
   */
  contactStatus(workspaceId: string, contactId: string): Promise<ContactAtSend | undefined>;
}

export function dynamoSuppressions(
  db: DynamoDBDocumentClient,
  table: string,
): SuppressionLookup & SuppressionWriter & ContactStatusReader {
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

    async contactStatus(workspaceId, contactId) {
      const item = await read({ pk: workspacePk(workspaceId), sk: contactSk(contactId) });
      if (item?.type !== 'contact' || item.deletedAt !== undefined) return undefined;
      return {
        ...(typeof item.status === 'string' ? { status: item.status } : {}),
        ...(typeof item.email === 'string' ? { email: item.email } : {}),
      };
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
 * The Update of one opt-out target (shared/email/unsubscribe.ts `OptOutTarget`), conditional on the
 * item holding none of the reasons it adds: the write that adds a reason is the one that finds it
 * absent.
 * - A full unsubscribe replaces the item's topic opt-outs it supersedes: `SET reasons` to what it
 *   held without them, plus `unsubscribe`, conditional on each other reason (a closed list) being
 *   present or absent as it was read, so a bounce or complaint added meanwhile is never dropped
 *   (the write loses the round and is made again). The item shrinks: it always fits.
 * - Topic opt-outs are added (`ADD`) only while the item then holds at most
 *   {@link MAX_REASONS_PER_ITEM} reasons.
 */
function optOutUpdate(
  table: string,
  key: { pk: string; sk: string },
  target: OptOutTarget,
  atMs: number,
  set: Record<string, unknown>,
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':at': atMs };
  const assignments = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const stamps = ['updatedAtMs = :at', 'firstAtMs = if_not_exists(firstAtMs, :at)'];
  const conditions = target.reasons.map((reason, i) => {
    values[`:r${i}`] = reason;
    return `NOT contains(reasons, :r${i})`;
  });
  let update: string;
  if (target.reasons.includes('unsubscribe')) {
    const kept = new Set([...target.held.filter((r) => optedOutTopic(r) === undefined), ...target.reasons]);
    values[':reasons'] = kept;
    update = `SET ${['reasons = :reasons', ...assignments, ...stamps].join(', ')}`;
    for (const [i, reason] of NON_TOPIC_REASONS.entries()) {
      if (target.reasons.includes(reason)) continue;
      values[`:k${i}`] = reason;
      conditions.push(`${target.held.includes(reason) ? '' : 'NOT '}contains(reasons, :k${i})`);
    }
  } else {
    values[':reasons'] = new Set(target.reasons);
    values[':room'] = MAX_REASONS_PER_ITEM - target.reasons.length;
    update = `ADD reasons :reasons SET ${[...assignments, ...stamps].join(', ')}`;
    conditions.push('(attribute_not_exists(reasons) OR size(reasons) <= :room)');
  }
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: update,
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * DynamoDB refused the write as invalid, not for a condition: a `ValidationException`, or a
 * transaction cancelled with a `ValidationError` (an item past 400 KB, among others).
 */
const isValidationFailure = (error: unknown): boolean =>
  (error as { name?: unknown } | undefined)?.name === 'ValidationException' ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ValidationError'));

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

    async addressOptOuts(workspaceId, email) {
      return reasonsOf(await read({ pk: workspacePk(workspaceId), sk: suppressionSk(email) }));
    },

    async contactOptOuts(workspaceId, contactId) {
      const item = await read(optOutKey(workspaceId, contactId));
      return { reasons: reasonsOf(item), unrecorded: unrecordedOf(item) };
    },

    async optOut(write: OptOutWrite) {
      const { workspaceId, atMs, address, person } = write;
      const items: TransactItem[] = [];
      if (person) {
        const { id, ...entry } = person.unrecorded;
        items.push(
          optOutUpdate(table, optOutKey(workspaceId, person.contactId), person, atMs, {
            contactId: person.contactId,
            [`${UNRECORDED_PREFIX}${id}`]: entry,
          }),
          consentPut(table, person.consent),
        );
      }
      if (address) {
        items.push(
          optOutUpdate(table, { pk: workspacePk(workspaceId), sk: suppressionSk(address.email) }, address, atMs, {
            email: address.email.trim().toLowerCase(),
          }),
        );
      }
      items.push({ Put: auditPut(auditTable, write.audit) });
      try {
        return await conditionally(transactWrite(db, items));
      } catch (error) {
        if (isValidationFailure(error)) {
          throw new OptOutRefusedError('DynamoDB refused the opt-out as invalid', { cause: error });
        }
        throw error;
      }
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
