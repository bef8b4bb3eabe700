/**
 * Review round 22 (a), item 4: a Resend `email.failed` after Resend accepted a send was ignored, so
 * the ledger said `sent` for a mail that never left. Now the send record (over DynamoDB) says
 * `failed` with Resend's reason and when, counted once (the delivery that turned the record); a
 * redelivery changes nothing, and a delivery reported after it does not hide it. Nothing is
 * suppressed, counted in the reputation window or put on the timeline.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../../shared/adapters/dynamo-email-events';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { ledgerTagOf } from '../../shared/email/ledger-tag';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import { parseResendWebhook } from '../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r22afail-';
const CORE = `${PREFIX}core`;
const now = Date.parse('2026-12-04T08:30:00Z');

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe("Resend's email.failed on the send record", () => {
  it('marks it failed with the reason, once, and changes nothing else', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const key = `api#generated#${randomUUID()}`;
    const messageId = `re-${randomUUID()}`;
    const ledger = dynamoSendLedger(db, CORE);
    await ledger.claim(workspaceId, key, now, 60_000);
    await ledger.markSent(workspaceId, key, {
      provider: 'resend',
      providerMessageId: messageId,
      fallbackUsed: true,
      atMs: now,
    });
    const metrics: string[] = [];
    const timeline: string[] = [];
    const deps: ProcessEventDeps = {
      sends: dynamoSendRecords(db, CORE),
      suppressions: dynamoSuppressions(db, CORE),
      softBounces: dynamoSoftBounces(db, CORE),
      timeline: {
        record: async (_ws, _email, entry) => {
          timeline.push(entry.type);
          return 'recorded';
        },
      },
      reputation: dynamoReputation(db, CORE),
      guard: dynamoReputationGuard(db, CORE),
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      metrics: { counted: (k) => metrics.push(k), rates: () => undefined, paused: () => metrics.push('paused') },
      now: () => now + 60_000,
      wait: async () => {},
    };
    const webhook = (type: string, extra: Record<string, unknown> = {}) => {
      const parsed = parseResendWebhook({
        type,
        created_at: new Date(now + 1_000).toISOString(),
        data: {
          email_id: messageId,
          to: ['reader@example.com'],
          tags: [
            { name: 'workspace', value: workspaceId },
            { name: 'send', value: 'send-1' },
            { name: 'ledger', value: ledgerTagOf(key) ?? '' },
          ],
          ...extra,
        },
      });
      if (parsed.status !== 'events' || !parsed.events[0]) throw new Error('not parsed');
      return parsed.events[0];
    };
    const failed = webhook('email.failed', { failed: { reason: 'reached_daily_quota' } });

    expect(await processEmailEvent(failed, deps)).toEqual({ status: 'processed', counted: true });
    expect(await processEmailEvent(failed, deps)).toEqual({ status: 'processed', counted: false });
    // A delivery reported after it (none should come) does not hide the failure.
    await processEmailEvent(webhook('email.delivered'), deps);

    const record = await getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: `EMAILSEND#${key}` }, { consistent: true });
    expect(record).toMatchObject({
      state: 'sent',
      delivery: 'failed',
      failedReason: 'reached_daily_quota',
      failedAtMs: now + 1_000,
    });
    expect(record?.deliveredAtMs).toBeUndefined();
    expect(metrics).toEqual(['failed']);
    // The delivery's own timeline entry only: the failure put nothing there.
    expect(timeline).toEqual(['email_delivered']);
    expect(
      await getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: 'SUPPRESSION#reader@example.com' }, { consistent: true }),
    ).toBeUndefined();
    const window = { from: '2026-12-04T00', to: '2026-12-04T23' };
    expect(await dynamoReputation(db, CORE).counts(workspaceId, window)).toMatchObject({ bounces: 0, complaints: 0 });
  });
});
