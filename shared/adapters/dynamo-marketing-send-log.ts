/**
 * The marketing mail each contact was queued, kept 8 days (a week's cap plus a day) past the instant
 * it counts at: one item per send in the contact's interaction partition, keyed by the send's key,
 * so a replayed send counts once; `has` answers whether a key's send was logged (a step learning
 * that an earlier try of it queued a node's mail).
 *
 * An entry counts at the instant its mail is sent, or will be: queued inside its send window, the
 * instant it is queued; held by the sender past the window's end, the next opening (`heldUntil`, a
 * conditional UpdateItem that only moves an entry later, so a held mail coming back every 15
 * minutes moves it once). A mail the sender closes unsent (suppressed, rejected, unrenderable) is
 * marked `unsent` and counts no more (`unsent`); `has` still finds it. Those two writes are
 * dynamo-marketing-send-moves.ts, which the sender bundles alone.
 *
 * The records of one drip-steps batch log their sends together: the entries logged while a write
 * is in flight go in the next BatchWriteItem (25 a call), instead of one PutItem each. A batch
 * write cannot be conditional, so a replay of a send (its step retried after it queued the mail)
 * rewrites the entry with the replay's time, unmarked: still one send, counted from a moment later
 * (which can only defer a capped send a little more), and the replay's message, right behind it,
 * meets the sender as the first did: held, it moves the entry again; closed, it marks it again.
 *
 * A capped send checks the log and sends under the contact's cap lock (a leased item, 30 s), so
 * two campaigns' capped steps for one contact take turns instead of both finding room for one
 * more mail. A send `record` resolves once its entry is written, before the lock is let go. The
 * lock write carries its token, so a retry of it after its answer was lost takes it (own-write.ts).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MarketingSendLog, MarketingSendMoves } from '../campaigns/campaign-mailer';
import { batchPut, groupedRounds } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { prefixQuery, queryAll } from './dynamo/query';
import { dynamoMarketingSendMoves, MARKETING_SEND_KEEP_MS, marketingSendKey } from './dynamo-marketing-send-moves';
import { interactionPk, MARKETING_SEND_PREFIX } from './keys';

/** The contact's frequency-cap lock, in its interaction partition. */
const CAP_LOCK_SK = 'MKTCAPLOCK';
/** Held for a cap check and one send (a template read, a queue send): far longer than either. */
const CAP_LOCK_LEASE_MS = 30_000;

export function dynamoMarketingSendLog(
  db: DynamoDBDocumentClient,
  table: string,
): MarketingSendLog & MarketingSendMoves {
  const write = groupedRounds<Item>(
    () => table,
    async (items) => {
      // One entry per key (a send delivered twice in one round): the earliest.
      const byKey = new Map<string, Item>();
      for (const item of items) {
        const key = `${item.pk}\u0000${item.sk}`;
        const seen = byKey.get(key);
        if (!seen || Number(item.atMs) < Number(seen.atMs)) byKey.set(key, item);
      }
      await batchPut(db, table, [...byKey.values()]);
    },
  );
  return {
    async record(workspaceId, contactId, atMs, key) {
      await write({
        ...marketingSendKey(workspaceId, contactId, key),
        type: 'marketing-send',
        atMs,
        expiresAt: epochSeconds(new Date(atMs + MARKETING_SEND_KEEP_MS)),
      });
    },
    ...dynamoMarketingSendMoves(db, table),
    async has(workspaceId, contactId, key) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: marketingSendKey(workspaceId, contactId, key),
          ProjectionExpression: 'atMs',
          ConsistentRead: true,
        }),
      );
      // An entry TTL has not deleted yet still tells the truth: that key's mail was queued.
      return Item !== undefined;
    },
    async since(workspaceId, contactId, sinceMs, exceptKey) {
      // Small by construction (8 days of one contact's marketing mail).
      const items = await queryAll(db, {
        ...prefixQuery(table, interactionPk(workspaceId, contactId), MARKETING_SEND_PREFIX),
        ProjectionExpression: 'sk, atMs, unsent',
        // Strongly consistent: the cap lock serialises the checks of one contact, and a check must
        // see the send the previous holder logged just before letting go (review round 12).
        ConsistentRead: true,
      });
      const except = exceptKey === undefined ? undefined : marketingSendKey(workspaceId, contactId, exceptKey).sk;
      // TTL deletes late ("within two days"): expired entries are filtered by time, not trusted gone.
      // A mail closed unsent is no mail the contact gets.
      return items
        .filter((i) => i.sk !== except && i.unsent !== true)
        .map((i) => Number(i.atMs))
        .filter((t) => t >= sinceMs);
    },
    async lock(workspaceId, contactId) {
      const key = { pk: interactionPk(workspaceId, contactId), sk: CAP_LOCK_SK };
      const token = randomUUID();
      const now = Date.now();
      // Marked with its token: a retry of this write after its answer was lost is refused by its
      // own lock, and finds it its own (own-write.ts), not another step's to wait 30 s for.
      const { written: taken } = await writeOwn(
        db,
        {
          Put: {
            TableName: table,
            Item: {
              ...key,
              type: 'cap-lock',
              token,
              leaseUntil: now + CAP_LOCK_LEASE_MS,
              expiresAt: epochSeconds(new Date(now + MARKETING_SEND_KEEP_MS)),
            },
            // A lease: a holder that crashed lets go when it runs out.
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': now },
          },
        },
        (item) => item.token === token,
      );
      if (!taken) return undefined;
      return async () => {
        // Only our own lease: one that ran out and was taken by another step stays theirs.
        await conditionally(
          db.send(
            new DeleteCommand({
              TableName: table,
              Key: key,
              ConditionExpression: '#token = :token',
              ExpressionAttributeNames: { '#token': 'token' },
              ExpressionAttributeValues: { ':token': token },
            }),
          ),
        );
      };
    },
  };
}
