/**
 * The send ledger (`SendLedger`) in the core table: one item per (workspace, idempotency key),
 * `state` = claimed | released | sent | closed.
 *
 * - `claim` is one conditional UpdateItem: it succeeds only when the item is absent, released,
 *   or claimed with a lease that has run out. Of any number of concurrent claims exactly one
 *   condition holds; the others answer what the item says, which comes with the refusal
 *   (`ReturnValuesOnConditionCheckFailure`, dynamo/own-write.ts: no read more).
 * - Writes whose success matters (the claim, the acceptance) know their own earlier try: the SDK
 *   retries a write whose answer was lost, and DynamoDB may have applied it; the retry is then
 *   refused by that write. A refusal whose item holds this write's mark (the claim's `claimId`, the
 *   acceptance's `markId`) is this write's success (before review round 24 a claim read itself as
 *   another attempt's and waited a lease and a grace, and an acceptance was never counted).
 * - `markSent` and `release` apply only to a claimed item, `close` to anything not sent, so a
 *   late writer can never turn a sent record back into something a later attempt would send.
 *   `markSent` records the provider's message id on the record (its delivery events, which name
 *   the record in their `ledger` tag, change it only while it holds that id; a key too long for
 *   the tag also gets a pointer from the message id), and the writer that turned the record
 *   `sent` counts the send for the workspace's reputation window. Plain writes, not one
 *   transaction: a transaction would conflict on the workspace's hot
 *   hour counter under concurrent sends, and a failed `markSent` risks a second send.
 * - `acknowledgeSent` is the same acceptance reported by the provider's Send event (the send's
 *   `ledger` tag names the record): whichever of the two comes first turns the record `sent` and
 *   counts it; the other changes nothing, and `markSent` finding its own message recorded is a
 *   success. So a sender killed after the provider accepted, before `markSent`, is still recorded.
 * - `claim` with a grace: a claim whose lease ran out is taken over only `graceMs` after an attempt
 *   first found it so (`staleSinceMs`), time for that Send event to land first.
 * - `release` with `awaitAck` (a provider call whose outcome is unknown): the same state entered at
 *   once, by the claim's holder: still `claimed`, `staleSinceMs` = now and the lease to now + grace,
 *   so the record is taken over only after the grace (by a claim with a grace or without one) and
 *   its Send event marks it sent meanwhile.
 * - `sealedAtMs`: the claim sets it `if_not_exists` (the first attempt's time) and answers it in the
 *   same write (ReturnValues), so every attempt that may follow one that reached a provider seals
 *   its tracking links with the same `issuedAtMs` (a byte-identical body under Resend's idempotency
 *   key). A release with `nothingSent` removes it; a takeover, an ambiguous release keep it.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendAcknowledger } from '../email/event-ports';
import { ledgerTagOf } from '../email/ledger-tag';
import type { ClaimResult, ProviderName, SendLedger } from '../email/ports';
import { hourOf } from '../email/reputation-window';
import { cutText } from '../security/cut-text';
import { addAtMostOnce } from './dynamo/add-at-most-once';
import { groupedRounds } from './dynamo/batch';
import { conditionally } from './dynamo/conditions';
import { getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { emailMessageSk, emailSendSk, reputationSk, workspacePk } from './keys';

/** Hour buckets outlive the 7-day window by a day. */
export const REPUTATION_TTL_DAYS = 8;
/** Events arrive hours (soft bounces) to days (complaints) after a send. */
export const MESSAGE_POINTER_TTL_DAYS = 30;
/** Epoch seconds `days` after `atMs` (the TTL attribute's encoding). */
export const expiresAfter = (atMs: number, days: number): number => Math.floor(atMs / 1000) + days * 86_400;

const keyOf = (workspaceId: string, key: string) => ({ pk: workspacePk(workspaceId), sk: emailSendSk(key) });

/** Who turned a record `sent`: the claim holder (`markSent`) or the provider's Send event. */
type MarkedBy = 'sender' | 'event';

export function dynamoSendLedger(db: DynamoDBDocumentClient, table: string): SendLedger & SendAcknowledger {
  // The sends of one SQS batch finish together: those of one workspace and hour go in one ADD.
  const countSent = groupedRounds<{ workspaceId: string; hour: string; atMs: number }>(
    (s) => `${s.workspaceId}\u0000${s.hour}`,
    async (sends) => {
      const [first] = sends;
      if (!first) return;
      // At most once ({@link addAtMostOnce}): the SDK's retry of an ADD DynamoDB applied would count the batch twice.
      await addAtMostOnce(db, {
        TableName: table,
        Key: { pk: workspacePk(first.workspaceId), sk: reputationSk(first.hour) },
        UpdateExpression: 'ADD sent :n SET expiresAt = :expires',
        ExpressionAttributeValues: { ':n': sends.length, ':expires': expiresAfter(first.atMs, REPUTATION_TTL_DAYS) },
      });
    },
  );
  /**
   * The pointer from the provider's message id back to the record, for a key too long to be named
   * in the message's `ledger` tag (ledger-tag.ts): its delivery events find the record so. A tagged
   * send needs none: its events name the record themselves.
   */
  const putPointer = async (
    workspaceId: string,
    key: string,
    accepted: { provider: ProviderName; providerMessageId: string; atMs: number },
  ) => {
    if (ledgerTagOf(key) !== undefined) return;
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
  };

  /**
   * The effects of a provider's acceptance, whoever reports it first: the message pointer (untagged
   * keys only), the record `claimed`/`released` -> `sent`, and, by the one writer whose conditional
   * write turned it, the workspace's hour counter. True when this call turned it.
   *
   * The sender puts a pointer first (the message's events may come at once; a crash after it
   * leaves a pointer to a record not yet sent, which is harmless). The Send event, which on the
   * ordinary path finds the record sent already (one strongly consistent read, `acknowledgeSent`),
   * writes only when the record is still claimed or released (a crash between leaves that send's
   * record without its delivery state; suppressions and counters do not need the pointer).
   */
  const recordAccepted = async (
    workspaceId: string,
    key: string,
    accepted: { provider: ProviderName; providerMessageId: string; fallbackUsed?: boolean; atMs: number },
    by: MarkedBy,
  ): Promise<{ readonly won: true } | { readonly won: false; readonly item?: Item }> => {
    if (by === 'sender') await putPointer(workspaceId, key, accepted);
    // Marked as this write's (`markId`): the SDK's retry of it after DynamoDB applied it (its answer
    // lost) is refused by its own write, which is still this writer's win, counted by it alone.
    const mark = ownToken();
    const outcome = await writeOwn(
      db,
      {
        Update: {
          TableName: table,
          Key: keyOf(workspaceId, key),
          UpdateExpression: `SET #state = :sent, provider = :provider, providerMessageId = :mid, sentAtMs = :at, markedBy = :by, markId = :mark${
            accepted.fallbackUsed === undefined ? '' : ', fallbackUsed = :fallback'
          } REMOVE leaseUntilMs, staleSinceMs`,
          ConditionExpression: '#state IN (:claimed, :released)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':claimed': 'claimed',
            ':released': 'released',
            ':provider': accepted.provider,
            ':mid': accepted.providerMessageId,
            ':at': accepted.atMs,
            ':by': by,
            ':mark': mark,
            ...(accepted.fallbackUsed === undefined ? {} : { ':fallback': accepted.fallbackUsed }),
          },
        },
      },
      (found) => found.markId === mark,
    );
    if (!outcome.written) return { won: false, ...(outcome.item ? { item: outcome.item } : {}) };
    if (by === 'event') await putPointer(workspaceId, key, accepted);
    // Only the writer that turned the record `sent` counts it, so a send counts at most once; the
    // ADD is never retried after an answer that leaves its outcome unknown (addAtMostOnce). A crash
    // or a lost answer right here undercounts, which only errs toward a higher bounce rate.
    await countSent({ workspaceId, hour: hourOf(accepted.atMs), atMs: accepted.atMs });
    return { won: true };
  };

  /** Stamps when an expired claim was first seen; false when another attempt stamped it first. */
  const noticeStale = (workspaceId: string, key: string, nowMs: number) =>
    conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(workspaceId, key),
          UpdateExpression: 'SET staleSinceMs = :now',
          ConditionExpression: '#state = :claimed AND leaseUntilMs <= :now AND attribute_not_exists(staleSinceMs)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':now': nowMs },
        }),
      ),
    );

  return {
    async claim(workspaceId, key, nowMs, leaseMs, graceMs = 0) {
      const claimId = randomUUID();
      // With a grace, an expired claim is taken over only once it has been seen expired for graceMs.
      const expired =
        graceMs > 0
          ? '(#state = :claimed AND leaseUntilMs <= :now AND staleSinceMs <= :staleBefore)'
          : '(#state = :claimed AND leaseUntilMs <= :now)';
      const outcome = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression:
              'SET #state = :claimed, leaseUntilMs = :until, claimedAtMs = :now, claimId = :claim, attempts = if_not_exists(attempts, :zero) + :one, sealedAtMs = if_not_exists(sealedAtMs, :now) REMOVE staleSinceMs',
            ConditionExpression: `attribute_not_exists(pk) OR #state = :released OR ${expired}`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ':released': 'released',
              ':until': nowMs + leaseMs,
              ':now': nowMs,
              ':claim': claimId,
              ':zero': 0,
              ':one': 1,
              ...(graceMs > 0 ? { ':staleBefore': nowMs - graceMs } : {}),
            },
            // A kept sealedAtMs comes back with the write (absent: this claim set it): no second call.
            ReturnValues: 'UPDATED_OLD',
          },
        },
        // The SDK's retry of this claim after DynamoDB applied it (its answer lost) meets this very
        // claim: ours, not another attempt's to wait a lease and a grace for.
        (found) => found.state === 'claimed' && found.claimId === claimId,
      );
      if (outcome.written) {
        if ('again' in outcome) {
          // The answer with the kept time was lost: whether this claim set it, the record cannot
          // say, so it is read as kept (a release then leaves it: the next attempt renders the same body).
          const sealed = typeof outcome.item.sealedAtMs === 'number' ? outcome.item.sealedAtMs : nowMs;
          const before = Number(outcome.item.attempts) > 1;
          return { status: 'claimed', claimId, sealedAtMs: sealed, sealedBefore: true, claimedBefore: before };
        }
        const kept = typeof outcome.attributes?.sealedAtMs === 'number' ? outcome.attributes.sealedAtMs : undefined;
        // The old `attempts` comes back with the write too: an earlier claim of this send.
        const claimedBefore = typeof outcome.attributes?.attempts === 'number';
        return {
          status: 'claimed',
          claimId,
          sealedAtMs: kept ?? nowMs,
          sealedBefore: kept !== undefined,
          claimedBefore,
        };
      }
      // The refusal carries the record (consistent, as the condition read it): no read more.
      const { item } = outcome;
      if (graceMs > 0 && item?.state === 'claimed' && Number(item.leaseUntilMs) <= nowMs) {
        return heldForAck(item, nowMs, graceMs, () => noticeStale(workspaceId, key, nowMs));
      }
      return claimOf(item, nowMs);
    },

    async stateOf(workspaceId, key) {
      // Strongly consistent (1 read unit: the record is small): a claim or a mark just written is seen.
      const item = await getItem(db, table, keyOf(workspaceId, key), { consistent: true });
      const state = item?.state;
      if (state === 'closed') return { state, reason: String(item?.reason ?? 'closed') };
      return state === 'sent' || state === 'claimed' ? { state } : { state: 'open' };
    },

    async markSent(workspaceId, key, accepted) {
      const marked = await recordAccepted(workspaceId, key, accepted, 'sender');
      if (marked.won) return;
      // The provider's Send event may have recorded this very message first: that is our success
      // (read from the refused write's item: no read more).
      const { item } = marked;
      if (
        item?.state === 'sent' &&
        item.provider === accepted.provider &&
        item.providerMessageId === accepted.providerMessageId
      ) {
        return;
      }
      // Not claimed any more: our lease ran out and another attempt took the record over.
      throw new Error(`Send ${key} is no longer claimed by this attempt; not marked sent`);
    },

    async acknowledgeSent(workspaceId, key, accepted) {
      // Read first: on the ordinary path the sender's markSent came first, and a strongly
      // consistent read (1 read unit, $0.125 a million) costs less than the write that would fail
      // its condition (1 write unit, $0.625). Consistent, so a claim just written is seen.
      const found = await getItem(db, table, keyOf(workspaceId, key), { consistent: true });
      if (found?.state !== 'claimed' && found?.state !== 'released') return 'unchanged';
      return (await recordAccepted(workspaceId, key, accepted, 'event')).won ? 'marked' : 'unchanged';
    },

    async close(workspaceId, key, reason, atMs, claimId) {
      // Never over a sent record; with a claim id, never over another attempt's claim either.
      const notOthers = claimId ? ' AND (#state <> :claimed OR claimId = :mine)' : '';
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: 'SET #state = :closed, reason = :reason, closedAtMs = :at REMOVE leaseUntilMs',
            ConditionExpression: `attribute_not_exists(pk) OR (#state <> :sent${notOthers})`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':closed': 'closed',
              ':sent': 'sent',
              ':reason': cutText(reason, 500),
              ':at': atMs,
              ...(claimId ? { ':claimed': 'claimed', ':mine': claimId } : {}),
            },
          }),
        ),
      );
    },

    async release(workspaceId, key, claimId, options) {
      const mine = claimId ? '#state = :claimed AND claimId = :mine' : '#state = :claimed';
      if (options?.awaitAck) {
        // Not given back: held as a dead attempt's claim is once found expired, from now (the
        // grace runs from `staleSinceMs`; the lease ends with it, so a claim without a grace waits
        // as long). sealedAtMs stays: the next attempt must send the same body.
        const { atMs, graceMs } = options.awaitAck;
        await conditionally(
          db.send(
            new UpdateCommand({
              TableName: table,
              Key: keyOf(workspaceId, key),
              UpdateExpression: 'SET leaseUntilMs = :until, staleSinceMs = :since',
              ConditionExpression: mine,
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: {
                ':until': atMs + graceMs,
                ':since': atMs,
                ':claimed': 'claimed',
                ...(claimId ? { ':mine': claimId } : {}),
              },
            }),
          ),
        );
        return;
      }
      // Only a claim is given back (with a claim id, only that claim); a sent or closed record stays.
      // Known unsent: the next attempt seals afresh; else it must send the same body again.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(workspaceId, key),
            UpdateExpression: `SET #state = :released REMOVE leaseUntilMs${options?.nothingSent ? ', sealedAtMs' : ''}`,
            ConditionExpression: mine,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':released': 'released',
              ':claimed': 'claimed',
              ...(claimId ? { ':mine': claimId } : {}),
            },
          }),
        ),
      );
    },
  };
}

/**
 * A claim whose lease ran out while a grace is asked: the first attempt to see it so stamps
 * `staleSinceMs` (conditionally, so the first stamp stays); it may be taken over `graceMs` later.
 */
async function heldForAck(
  item: Record<string, unknown>,
  nowMs: number,
  graceMs: number,
  notice: () => Promise<boolean>,
): Promise<ClaimResult> {
  const since = item.staleSinceMs === undefined ? undefined : Number(item.staleSinceMs);
  if (since === undefined) await notice();
  const untilMs = (since ?? nowMs) + graceMs;
  // Already past it (the takeover lost a race): look again soon.
  return { status: 'in-flight', untilMs: untilMs > nowMs ? untilMs : nowMs + 1000, awaitingAck: true };
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
      // Held for the provider's Send event by an attempt that could not tell (release with awaitAck).
      return {
        status: 'in-flight',
        untilMs: Number(item.leaseUntilMs ?? nowMs + 1000),
        ...(item.staleSinceMs === undefined ? {} : { awaitingAck: true as const }),
      };
    default:
      // Released (or gone) between our write and our read: someone else is about to claim it; look again soon.
      return { status: 'in-flight', untilMs: nowMs + 1000 };
  }
}
