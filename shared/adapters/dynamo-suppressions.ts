/**
 * Suppressed addresses in the core table: `WS#<workspace>` / `SUPPRESSION#<email>` per
 * workspace, `GLOBAL` / `SUPPRESSION#<email>` for every workspace. An item keeps every reason
 * that applies (a string set), so an unsubscribe does not hide a later hard bounce.
 * The lookup reads both keys strongly consistently (an unsubscribe honoured "at once" must be
 * seen by the very next send), in a BatchGetItem shared with the lookups running at the same time.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionLookup } from '../email/ports';
import type { SuppressionReason } from '../email/suppression-rules';
import { coalescedGetter } from './dynamo/batch';
import { GLOBAL_PK, suppressionSk, workspacePk } from './keys';

/** Writes suppressions (used by the event processor and the unsubscribe route). */
export interface SuppressionWriter {
  /** Adds `reason` for `email` in `workspaceId`, or in the global list when `workspaceId` is `'global'`. */
  suppress(workspaceId: string | 'global', email: string, reason: SuppressionReason, atMs: number): Promise<void>;
}

const pkOf = (workspaceId: string | 'global') => (workspaceId === 'global' ? GLOBAL_PK : workspacePk(workspaceId));

export function dynamoSuppressions(db: DynamoDBDocumentClient, table: string): SuppressionLookup & SuppressionWriter {
  // Strongly consistent (an unsubscribe is seen by the very next send); concurrent lookups (the
  // records of one SQS batch, each asking for its workspace and the global list) share BatchGetItem calls.
  const read = coalescedGetter(db, table, { consistent: true });
  const reasonsAt = async (pk: string, email: string): Promise<SuppressionReason[]> => {
    const item = await read({ pk, sk: suppressionSk(email) });
    const reasons = item?.reasons;
    return reasons instanceof Set ? ([...reasons] as SuppressionReason[]) : [];
  };
  return {
    async reasonsFor(workspaceId, email) {
      const [own, global] = await Promise.all([
        reasonsAt(workspacePk(workspaceId), email),
        reasonsAt(GLOBAL_PK, email),
      ]);
      return [...new Set([...global, ...own])];
    },

    async suppress(workspaceId, email, reason, atMs) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: pkOf(workspaceId), sk: suppressionSk(email) },
          UpdateExpression:
            'ADD reasons :reason SET email = :email, updatedAtMs = :at, firstAtMs = if_not_exists(firstAtMs, :at)',
          ExpressionAttributeValues: {
            ':reason': new Set([reason]),
            ':email': email.trim().toLowerCase(),
            ':at': atMs,
          },
        }),
      );
    },
  };
}
