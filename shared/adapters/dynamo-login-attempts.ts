/** Log-in attempt counters in the `ephemeral` table, for the throttle of login-throttle.ts. */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptCount, LoginAttemptStore } from '../identity/accounts/ports';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { LOGIN_ATTEMPTS_SK } from './keys';

/**
 * Log-in attempt counters: one item per key (`attempts` counted and not given back,
 * `failures` among them, `lastFailureAt` in epoch ms, TTL `expiresAt`), forgotten
 * `windowSeconds` after their last change. Every step is one conditional write, so concurrent
 * attempts are counted one by one. (The sort key is `login-attempts`: counters of the
 * earlier failures-only layout, `login-failures`, are ignored and expire on their own.)
 *
 * Each reservation's id stays among the counter's attempts being checked (`checking`, a string
 * set: as many as attempts in flight) until it fails or is given back. The SDK retries a write
 * whose answer was lost: a reservation's retry is refused by its own id and finds it there
 * (own-write.ts), so one attempt counts once (the window's opening put retried fell to the ADD, and
 * the ADD retried while the allowance held added again); a give-back takes its id out in the same
 * write and only while it is there, so a retried one, or one of an attempt that failed, gives
 * nothing back. A failure puts its id among the window's failures (`failedIds`, forgotten with the
 * failures), and counts only while it is not there: a failure retried after a lost answer finds
 * itself there and is counted once (an unconditional ADD counted it twice, locking a user out
 * early).
 */
export function dynamoLoginAttempts(db: DynamoDBDocumentClient, table: string): LoginAttemptStore {
  const itemKey = (pk: string) => ({ pk, sk: LOGIN_ATTEMPTS_SK });
  const toCount = (item: Record<string, unknown>): AttemptCount => ({
    attempts: Number(item.attempts ?? 0),
    failures: Number(item.failures ?? 0),
    lastFailureAt: Number(item.lastFailureAt ?? 0),
  });
  return {
    async read(key, now) {
      const item = await getItem(db, table, itemKey(key), { consistent: true });
      // TTL deletion is lazy: an expired counter still in the table counts as none.
      if (!item || Number(item.expiresAt) <= epochSeconds(now)) return undefined;
      return toCount(item);
    },
    async reserve(key, expected, now, { windowSeconds, freeBelow }, reservation) {
      const nowSeconds = epochSeconds(now);
      const expiresAt = nowSeconds + windowSeconds;
      const mine = (item: Item) => item.checking instanceof Set && item.checking.has(reservation);
      if (!expected) {
        // None live: start over at one attempt, unless a concurrent attempt just did.
        const fresh = { ...itemKey(key), attempts: 1, failures: 0, lastFailureAt: 0, expiresAt };
        const started = await writeOwn(
          db,
          {
            Put: {
              TableName: table,
              Item: { ...fresh, checking: new Set([reservation]) },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
              ExpressionAttributeValues: { ':now': nowSeconds },
            },
          },
          mine,
        );
        if (started.written) return toCount(fresh);
      }
      // Below the allowance, or exactly the count the caller judged (then nobody moved it since).
      const judged = expected ? ' OR (attempts = :a AND failures = :f AND lastFailureAt = :last)' : '';
      const counted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: itemKey(key),
            UpdateExpression: 'ADD attempts :one, checking :ids SET expiresAt = :exp',
            ConditionExpression: `expiresAt > :now AND (attempts < :free${judged}) AND NOT contains(checking, :id)`,
            ExpressionAttributeValues: {
              ':one': 1,
              ':ids': new Set([reservation]),
              ':id': reservation,
              ':exp': expiresAt,
              ':now': nowSeconds,
              ':free': freeBelow,
              ...(expected
                ? { ':a': expected.attempts, ':f': expected.failures, ':last': expected.lastFailureAt }
                : {}),
            },
            ReturnValues: 'ALL_NEW',
          },
        },
        mine,
      );
      if (!counted.written) return undefined;
      return toCount('again' in counted ? counted.item : (counted.attributes ?? {}));
    },
    async fail(key, now, windowSeconds, reservation) {
      const stamp = { ':one': 1, ':at': now.getTime(), ':exp': epochSeconds(now) + windowSeconds };
      const ids = new Set([reservation]);
      const counted = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: itemKey(key),
            // The attempt is already among `attempts`; if a success forgot the counter
            // meanwhile and it is gone, this failure starts it again. No longer being checked;
            // among the failures of the window (`failedIds`), so it is counted once.
            UpdateExpression:
              'ADD failures :one, failedIds :ids SET attempts = if_not_exists(attempts, :one), lastFailureAt = :at, expiresAt = :exp DELETE checking :ids',
            ConditionExpression: 'attribute_not_exists(pk) OR (expiresAt > :now AND NOT contains(failedIds, :id))',
            ExpressionAttributeValues: { ...stamp, ':now': epochSeconds(now), ':ids': ids, ':id': reservation },
            ReturnValues: 'ALL_NEW',
          },
        },
        (item) => item.failedIds instanceof Set && item.failedIds.has(reservation),
      );
      // Refused by its own failure (a retry after a lost answer, or the attempt failed already): counted once.
      if (counted.written) return toCount('again' in counted ? counted.item : (counted.attributes ?? {}));
      // Expired while this attempt was checked (TTL not swept yet): start over from this failure.
      const item = {
        ...itemKey(key),
        attempts: 1,
        failures: 1,
        lastFailureAt: stamp[':at'],
        expiresAt: stamp[':exp'],
        failedIds: ids,
      };
      await db.send(new PutCommand({ TableName: table, Item: item }));
      return toCount(item);
    },
    async release(key, now, reservation) {
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: itemKey(key),
            UpdateExpression: 'ADD attempts :minusOne DELETE checking :ids',
            // Only this attempt, still being checked, is given back, once; never a failure.
            ConditionExpression: 'contains(checking, :id) AND attempts > failures AND expiresAt > :now',
            ExpressionAttributeValues: {
              ':minusOne': -1,
              ':ids': new Set([reservation]),
              ':id': reservation,
              ':now': epochSeconds(now),
            },
          }),
        ),
      );
    },
    async forgive(key, now) {
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: itemKey(key),
            // Attempts still being checked stay counted; the failures go, with their ids.
            UpdateExpression:
              'SET attempts = attempts - failures, failures = :zero, lastFailureAt = :zero REMOVE failedIds',
            ConditionExpression: 'failures > :zero AND expiresAt > :now',
            ExpressionAttributeValues: { ':zero': 0, ':now': epochSeconds(now) },
          }),
        ),
      );
    },
  };
}
