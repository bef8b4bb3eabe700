/**
 * The stores of provider-event processing, in the core table under the workspace:
 * - the send record's delivery state (named by the event's ledger tag, else through
 *   `EMAILMSG#<provider>#<id>`, the pointer markSent writes for a key too long for the tag), read
 *   back with the send's `sentAtMs` in the same write (a bounce or complaint counts in its send's
 *   hour), or with its refusal; the write knows its own earlier try after a lost answer
 *   (dynamo/own-write.ts);
 * - an address's soft bounces (`SOFTBOUNCE#<email>`, a string set of `<at>#<event key>`: a replay
 *   adds nothing, and one at another time (its time clamped to a later "now") is read as the same
 *   bounce; kept {@link SOFT_BOUNCE_TTL_DAYS} days after the last one recorded);
 * - reputation counters, one item per UTC hour (`EMAILREP#<hour>`, 8-day TTL), moved in the same
 *   transaction that marks the event counted (`EMAILEVT#<event key>`, 30-day TTL; a fact counted
 *   in no window is the marker alone);
 * - the guard: a reputation pause is an update of the gate item (its resume stamp and baseline
 *   stay, so the status shows the window the pause was judged on) and its alert in one
 *   transaction, conditional on the gate not being paused; a warning is its alert and a per-day
 *   marker, likewise.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  DeliveryState,
  ReputationGuard,
  ReputationStore,
  SendRecordUpdater,
  SoftBounceLog,
} from '../email/event-ports';
import type { ReputationCounts } from '../email/reputation';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { type TransactItem, transactWrite } from './dynamo/transact';
import { securityAlertItem } from './dynamo-security-alerts';
import { expiresAfter, REPUTATION_TTL_DAYS } from './dynamo-send-ledger';
import { dynamoSendingGate, sendingGateKey } from './dynamo-sending-gate';
import {
  emailEventSk,
  emailMessageSk,
  emailSendSk,
  reputationSk,
  reputationWarnSk,
  softBouncesSk,
  workspacePk,
} from './keys';

const EVENT_MARK_TTL_DAYS = 30;
/**
 * The soft-bounce log lives this long after its last recording: the rule's 7 days plus the latest a
 * bounce can still arrive (the email-events DLQ keeps a message 14 days from its first enqueue, and
 * EventBridge retries for a day before), so a late bounce still finds the ones it makes a span with.
 */
const SOFT_BOUNCE_TTL_DAYS = 7 + 15;
/**
 * A stronger state is never replaced by a weaker one arriving late (a delivery after a complaint).
 * `failed` (never sent) and `delivered` exclude each other: whichever is reported first stays.
 */
const RANK: Readonly<Record<DeliveryState, number>> = { delivered: 1, failed: 1, bounced: 2, complained: 3 };
const sentAtOf = (record: Record<string, unknown> | undefined) =>
  typeof record?.sentAtMs === 'number' ? { sentAtMs: record.sentAtMs } : {};

export function dynamoSendRecords(db: DynamoDBDocumentClient, table: string): SendRecordUpdater {
  return {
    async markDelivery(workspaceId, provider, providerMessageId, state, atMs, ledgerKey, reason) {
      // The event's ledger tag names the record; a send without one has a message pointer.
      const named =
        ledgerKey ??
        (await getItem(db, table, { pk: workspacePk(workspaceId), sk: emailMessageSk(provider, providerMessageId) }))
          ?.ledgerKey;
      if (typeof named !== 'string') return { result: 'unknown' };
      const key = { pk: workspacePk(workspaceId), sk: emailSendSk(named) };
      // Marked as this write's (`deliveryMarkId`): the SDK's retry of it after DynamoDB applied it
      // (its answer lost) is refused by its own write, which still turned the state (`updated`: a
      // `failed` is counted by the call that turned it).
      const mark = ownToken();
      const outcome = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: key,
            // When the send first reached this state (`deliveredAtMs`...): a record for people, not counting.
            // With the provider's reason, when it gave one (`failedReason`).
            UpdateExpression: `SET delivery = :state, deliveryRank = :rank, deliveryMarkId = :mark, #at = if_not_exists(#at, :at)${
              reason ? ', #reason = :reason' : ''
            }`,
            // Only the record that holds this message: a tag cannot move another record's state.
            ConditionExpression:
              'provider = :provider AND providerMessageId = :mid AND (attribute_not_exists(deliveryRank) OR deliveryRank < :rank)',
            ExpressionAttributeNames: { '#at': `${state}AtMs`, ...(reason ? { '#reason': `${state}Reason` } : {}) },
            ExpressionAttributeValues: {
              ...(reason ? { ':reason': reason.slice(0, 500) } : {}),
              ':state': state,
              ':rank': RANK[state],
              ':mark': mark,
              ':at': atMs,
              ':provider': provider,
              ':mid': providerMessageId,
            },
            // The send's time, for counting (a small record; returned values cost no capacity).
            ReturnValues: 'ALL_NEW',
          },
        },
        (found) => found.deliveryMarkId === mark,
      );
      if (outcome.written)
        return { result: 'updated', ...sentAtOf('again' in outcome ? outcome.item : outcome.attributes) };
      // Rare (a replay, a weaker state late, a record not yet marked sent): does it hold the
      // message? The refusal carries the record (as its condition read it): no read more.
      const record = outcome.item;
      const holds = record?.provider === provider && record.providerMessageId === providerMessageId;
      return holds ? { result: 'unchanged', ...sentAtOf(record) } : { result: 'unknown' };
    },
  };
}

export function dynamoSoftBounces(db: DynamoDBDocumentClient, table: string): SoftBounceLog {
  return {
    async record(workspaceId, email, eventKey, atMs) {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: softBouncesSk(email) },
          UpdateExpression: 'ADD bounces :entry SET expiresAt = :expires',
          ExpressionAttributeValues: {
            ':entry': new Set([`${atMs}#${eventKey}`]),
            // From now, not the bounce's time: a late old bounce never brings the expiry forward.
            ':expires': expiresAfter(Math.max(atMs, Date.now()), SOFT_BOUNCE_TTL_DAYS),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const entries = out.Attributes?.bounces;
      if (!(entries instanceof Set)) return [atMs];
      // One time per event (its earliest). Events are dated by themselves now, so a redelivery adds
      // the same entry; entries from when a redelivery's time was clamped to its "now" may differ.
      const byEvent = new Map<string, number>();
      for (const entry of entries) {
        const text = String(entry);
        const cut = text.indexOf('#');
        const at = Number(text.slice(0, cut));
        const event = text.slice(cut + 1);
        if (cut > 0 && Number.isFinite(at)) byEvent.set(event, Math.min(at, byEvent.get(event) ?? at));
      }
      return [...byEvent.values()];
    },
  };
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function dynamoReputation(db: DynamoDBDocumentClient, table: string): ReputationStore {
  return {
    async countOnce(workspaceId, eventKey, hour, delta) {
      const adds = Object.entries(delta).filter(([, v]) => typeof v === 'number' && v !== 0);
      const now = Date.now();
      const mark: TransactItem = {
        Put: {
          TableName: table,
          Item: {
            pk: workspacePk(workspaceId),
            sk: emailEventSk(eventKey),
            countedAtMs: now,
            expiresAt: expiresAfter(now, EVENT_MARK_TTL_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      // Nothing to add (a fact no window counts): the marker alone, still once per event (a
      // transaction of one, so an SDK retry of a write DynamoDB applied is not read as a replay).
      if (adds.length === 0) return conditionally(transactWrite(db, [mark]), 0);
      return conditionally(
        transactWrite(db, [
          mark,
          {
            Update: {
              TableName: table,
              Key: { pk: workspacePk(workspaceId), sk: reputationSk(hour) },
              UpdateExpression: `ADD ${adds.map((_, i) => `#c${i} :v${i}`).join(', ')} SET expiresAt = :expires`,
              ExpressionAttributeNames: Object.fromEntries(adds.map(([k], i) => [`#c${i}`, k])),
              ExpressionAttributeValues: {
                ...Object.fromEntries(adds.map(([, v], i) => [`:v${i}`, v])),
                ':expires': expiresAfter(Date.parse(`${hour}:00:00Z`) || now, REPUTATION_TTL_DAYS),
              },
            },
          },
        ]),
        0,
      );
    },

    async counts(workspaceId, window) {
      // At most 169 items of a few attributes: one page, read consistently so a judge sees the last send.
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': workspacePk(workspaceId),
            ':from': reputationSk(window.from),
            ':to': reputationSk(window.to),
          },
          ProjectionExpression: 'sent, bounces, complaints',
          ConsistentRead: true,
        }),
      );
      const totals: { -readonly [K in keyof ReputationCounts]: number } = { sent: 0, bounces: 0, complaints: 0 };
      for (const item of out.Items ?? []) {
        totals.sent += count(item.sent);
        totals.bounces += count(item.bounces);
        totals.complaints += count(item.complaints);
      }
      return totals;
    },
  };
}

export function dynamoReputationGuard(db: DynamoDBDocumentClient, table: string): ReputationGuard {
  const gate = dynamoSendingGate(db, table);
  return {
    state: (workspaceId) => gate.state(workspaceId),

    pauseOnce(workspaceId, reason, atMs, alert) {
      return conditionally(
        transactWrite(db, [
          {
            // An update, never a Put: the resume's stamp and baseline stay, so the status reads
            // the window this pause was judged on.
            Update: {
              TableName: table,
              Key: sendingGateKey(workspaceId),
              UpdateExpression: 'SET pausedReason = :reason, pausedAtMs = :at',
              ConditionExpression: 'attribute_not_exists(pausedReason)',
              ExpressionAttributeValues: { ':reason': reason.slice(0, 500), ':at': atMs },
            },
          },
          {
            Put: {
              TableName: table,
              Item: securityAlertItem(alert),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]),
      );
    },

    raiseOnce(workspaceId, marker, alert) {
      return conditionally(
        transactWrite(db, [
          {
            Put: {
              TableName: table,
              Item: {
                pk: workspacePk(workspaceId),
                sk: reputationWarnSk(marker),
                alertId: alert.id,
                expiresAt: expiresAfter(Date.now(), 2),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: { TableName: table, Item: securityAlertItem(alert), ConditionExpression: 'attribute_not_exists(pk)' },
          },
        ]),
      );
    },
  };
}
