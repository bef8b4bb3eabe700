/**
 * Suppressed addresses in the core table: `WS#<workspace>` / `SUPPRESSION#<email>` per
 * workspace, `GLOBAL` / `SUPPRESSION#<email>` for every workspace. An item keeps every reason
 * that applies (a string set), so an unsubscribe does not hide a later hard bounce. A contact's
 * own opt-outs (`WS#<workspace>` / `CONTACTOPTOUT#<contactId>`: an unsubscribe, a topic opt-out,
 * a spam complaint) follow the person to any address; marketing sends read them with the address's.
 * The lookup reads both keys strongly consistently (an unsubscribe honoured "at once" must be
 * seen by the very next send), in a BatchGetItem shared with the lookups running at the same time.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionLookup } from '../email/ports';
import type { SuppressionReason } from '../email/suppression-rules';
import { coalescedGetter } from './dynamo/batch';
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
