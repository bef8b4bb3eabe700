/**
 * Idempotency records in the `ephemeral` table (TTL `expiresAt`), one item per key:
 * `IDEMPOTENCY#<ws>#<operation>#<key>` / `request`. Every transition is one conditional
 * write, so of several attempts racing for a key exactly one holds it.
 *
 * The claim and the take-over are marked by their lease id (own-write.ts): the SDK retries a
 * write whose answer was lost, and a retry refused by the write's own first try (the record holding
 * this lease) is the write's success, not another attempt's run in progress (a 409 and the key held
 * for the lease). A refused claim answers from the record that refused it: no read after it. The
 * completion is marked likewise (`completedBy`, the lease that completed it).
 */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord, IdempotencyScope, IdempotencyStore } from '../idempotency/ports';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { IDEMPOTENCY_SK, idempotencyPk } from './keys';

const keyOf = (scope: IdempotencyScope) => ({
  pk: idempotencyPk(scope.workspaceId, scope.operation, scope.key),
  sk: IDEMPOTENCY_SK,
});

const fromItem = (item: Item): IdempotencyRecord => ({
  fingerprint: String(item.fingerprint),
  plan: String(item.plan),
  status: item.status === 'completed' ? 'completed' : 'in-progress',
  ...(typeof item.leaseId === 'string' ? { leaseId: item.leaseId } : {}),
  ...(typeof item.leaseUntil === 'number' ? { leaseUntil: item.leaseUntil } : {}),
  ...(typeof item.result === 'string' ? { result: item.result } : {}),
});

/** TTL deletion lags expiry by up to two days: an expired record is treated as absent. */
const alive = (item: Item | undefined, nowSeconds: number): item is Item =>
  item !== undefined && Number(item.expiresAt) >= nowSeconds;

export function dynamoIdempotency(
  db: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
): IdempotencyStore {
  const update = (scope: IdempotencyScope, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
    conditionally(db.send(new UpdateCommand({ TableName: table, Key: keyOf(scope), ...input })));

  return {
    async claim(scope, claim) {
      // A refusal comes with the record that refused it (alive: the condition let only that refuse).
      // Without one, read it; two rounds: a record that expired between the refusal and the read is
      // claimed again.
      for (let round = 0; round < 2; round++) {
        const nowSeconds = epochSeconds(now());
        const claimed = await writeOwn(
          db,
          {
            Put: {
              TableName: table,
              Item: {
                ...keyOf(scope),
                status: 'in-progress',
                fingerprint: claim.fingerprint,
                plan: claim.plan,
                leaseId: claim.leaseId,
                leaseUntil: claim.leaseUntil,
                expiresAt: epochSeconds(claim.expiresAt),
              },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': nowSeconds },
            },
          },
          (item) => item.leaseId === claim.leaseId,
        );
        if (claimed.written) return undefined;
        if (alive(claimed.item, nowSeconds)) return fromItem(claimed.item);
        const existing = await getItem(db, table, keyOf(scope), { consistent: true });
        if (alive(existing, nowSeconds)) return fromItem(existing);
      }
      throw new Error(`Idempotency key of ${scope.operation} could be neither claimed nor read`);
    },

    async takeOver(scope, lapsedLeaseId, leaseId, leaseUntil) {
      const taken = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(scope),
            UpdateExpression: 'SET leaseId = :lease, leaseUntil = :until',
            ConditionExpression:
              lapsedLeaseId === undefined
                ? '#status = :running AND attribute_not_exists(leaseId)'
                : '#status = :running AND leaseId = :lapsed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':running': 'in-progress',
              ':lease': leaseId,
              ':until': leaseUntil,
              ...(lapsedLeaseId === undefined ? {} : { ':lapsed': lapsedLeaseId }),
            },
          },
        },
        (item) => item.status === 'in-progress' && item.leaseId === leaseId,
      );
      return taken.written;
    },

    async complete(scope, leaseId, result) {
      // The lease id leaves the record with the completion; `completedBy` keeps it, so a completion
      // retried after it landed knows itself (not "the lease was lost").
      const completed = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(scope),
            UpdateExpression: 'SET #status = :done, #result = :result, completedBy = :lease REMOVE leaseId, leaseUntil',
            ConditionExpression: '#status = :running AND leaseId = :lease',
            ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
            ExpressionAttributeValues: {
              ':done': 'completed',
              ':running': 'in-progress',
              ':result': result,
              ':lease': leaseId,
            },
          },
        },
        (item) => item.status === 'completed' && item.completedBy === leaseId,
      );
      return completed.written;
    },

    async release(scope, leaseId) {
      await update(scope, {
        UpdateExpression: 'SET leaseUntil = :lapsed',
        ConditionExpression: '#status = :running AND leaseId = :lease',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':lapsed': 0, ':running': 'in-progress', ':lease': leaseId },
      });
    },
  };
}
