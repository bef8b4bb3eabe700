/**
 * The send ledger (`SendLedger`) in the core table: one item per (workspace, idempotency key),
 * `state` = claimed | released | sent | closed.
 *
 * - `claim` is one conditional UpdateItem: it succeeds only when the item is absent, released,
 *   or claimed with a lease that has run out. Of any number of concurrent claims exactly one
 *   condition holds; the others read the item (consistently) and answer what it says.
 * - `markSent` and `release` apply only to a claimed item, `close` to anything not sent, so a
 *   late writer can never turn a sent record back into something a later attempt would send.
 *   `markSent` also records which ledger key the provider's message id belongs to, and the
 *   writer that turned the record `sent` counts the send for the workspace's reputation window.
 *   Three plain writes, not one transaction: a transaction would conflict on the workspace's hot
 *   hour counter under concurrent sends, and a failed `markSent` risks a second send.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, ProviderName, SendLedger } from '../email/ports';
import { hourOf } from '../email/reputation-window';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { emailMessageSk, emailSendSk, reputationSk, workspacePk } from './keys';

/** Hour buckets outlive the 7-day window by a day. */
export const REPUTATION_TTL_DAYS = 8;
/** Events arrive hours (soft bounces) to days (complaints) after a send. */
export const MESSAGE_POINTER_TTL_DAYS = 30;
/** Epoch seconds `days` after `atMs` (the TTL attribute's encoding). */
export const expiresAfter = (atMs: number, days: number): number => Math.floor(atMs / 1000) + days * 86_400;

const keyOf = (workspaceId: string, key: string) => ({ pk: workspacePk(workspaceId), sk: emailSendSk(key) });

export function dynamoSendLedger(db: DynamoDBDocumentClient, table: string): SendLedger {
  return {
    async claim(workspaceId, key, nowMs, leaseMs) {
      const won = await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression:
              'SET #state = :claimed, leaseUntilMs = :until, claimedAtMs = :now, attempts = if_not_exists(attempts, :zero) + :one',
            ConditionExpression:
              'attribute_not_exists(pk) OR #state = :released OR (#state = :claimed AND leaseUntilMs <= :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ':released': 'released',
              ':until': nowMs + leaseMs,
              ':now': nowMs,
              ':zero': 0,
              ':one': 1,
            },
          }),
        ),
      );
      if (won) return { status: 'claimed' };
      const item = await getItem(db, table, keyOf(workspaceId, key), { consistent: true });
      return claimOf(item, nowMs);
    },

    async markSent(workspaceId, key, accepted) {
      // The pointer from the provider's message id back to the record first (its events may come
      // at once); a crash after it leaves a pointer to a record still claimed, which is harmless.
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: workspacePk(workspaceId),
            sk: emailMessageSk(accepted.provider, accepted.providerMessageId),
            ledgerKey: key,
            expiresAt: expiresAfter(accepted.atMs, MESSAGE_POINTER_TTL_DAYS),
          },
        }),
      );
      // The one write that matters, alone: a hot counter item must never make it fail (a failed
      // markSent means a redelivery may send again once the lease ends).
      const won = await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression:
              'SET #state = :sent, provider = :provider, providerMessageId = :mid, fallbackUsed = :fallback, sentAtMs = :at REMOVE leaseUntilMs',
            ConditionExpression: '#state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':claimed': 'claimed',
              ':provider': accepted.provider,
              ':mid': accepted.providerMessageId,
              ':fallback': accepted.fallbackUsed,
              ':at': accepted.atMs,
            },
          }),
        ),
      );
      // Not claimed any more: our lease ran out and another attempt took the record over.
      if (!won) throw new Error(`Send ${key} is no longer claimed by this attempt; not marked sent`);
      // Only the writer that turned the record `sent` counts it, so a send counts at most once.
      // A plain ADD (no transaction) serialises on the hot hour item instead of conflicting; a
      // crash right here undercounts one send, which only errs toward a higher bounce rate.
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: reputationSk(hourOf(accepted.atMs)) },
          UpdateExpression: 'ADD sent :one SET expiresAt = :expires',
          ExpressionAttributeValues: { ':one': 1, ':expires': expiresAfter(accepted.atMs, REPUTATION_TTL_DAYS) },
        }),
      );
    },

    async close(workspaceId, key, reason, atMs) {
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: 'SET #state = :closed, reason = :reason, closedAtMs = :at REMOVE leaseUntilMs',
            ConditionExpression: 'attribute_not_exists(pk) OR #state <> :sent',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':closed': 'closed',
              ':sent': 'sent',
              ':reason': reason.slice(0, 500),
              ':at': atMs,
            },
          }),
        ),
      );
    },

    async release(workspaceId, key) {
      // Only a claim is given back; a sent or closed record stays as it is.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: 'SET #state = :released REMOVE leaseUntilMs',
            ConditionExpression: '#state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':released': 'released', ':claimed': 'claimed' },
          }),
        ),
      );
    },
  };
}

function claimOf(item: Record<string, unknown> | undefined, nowMs: number): ClaimResult {
  switch (item?.state) {
    case 'sent':
      return {
        status: 'sent',
        provider: item.provider as ProviderName,
        providerMessageId: String(item.providerMessageId ?? ''),
      };
    case 'closed':
      return { status: 'closed', reason: String(item.reason ?? 'closed') };
    case 'claimed':
      return { status: 'in-flight', untilMs: Number(item.leaseUntilMs ?? nowMs + 1000) };
    default:
      // Released (or gone) between our write and our read: someone else is about to claim it; look again soon.
      return { status: 'in-flight', untilMs: nowMs + 1000 };
  }
}
