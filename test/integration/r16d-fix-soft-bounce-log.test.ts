// Review round 16: this test failed at 5bc3520.
// The soft-bounce log in DynamoDB: one bounce per event whatever time a redelivery carries, and a
// late old bounce never brings the log's expiry forward (losing the newer bounces it holds).
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import { dynamoSoftBounces } from '../../shared/adapters/dynamo-email-events';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import type { EmailEvent } from '../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import type { SuppressionReason } from '../../shared/email/suppression-rules';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r16dsoft-';
const CORE = `${PREFIX}core`;
const DAY = 86_400_000;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;

describe('the soft-bounce log over DynamoDB', () => {
  it('answers one time per event key (its earliest), so a redelivery at another time is no new bounce', async () => {
    const log = dynamoSoftBounces(db, CORE);
    const workspaceId = ws();
    const t = Date.now() - DAY;
    expect(await log.record(workspaceId, 'ada@example.com', 'ses#m1#bounced:soft#ada@example.com', t)).toEqual([t]);
    // The same event again, its time clamped to a later "now" (a provider clock ahead of ours).
    expect(await log.record(workspaceId, 'ada@example.com', 'ses#m1#bounced:soft#ada@example.com', t + 5_000)).toEqual([
      t,
    ]);
    expect(
      (await log.record(workspaceId, 'ADA@example.com', 'ses#m2#bounced:soft#ada@example.com', t + 60_000)).sort(),
    ).toEqual([t, t + 60_000]);
  });

  it('an event from the future redelivered three times suppresses nothing', async () => {
    const workspaceId = ws();
    let now = Date.parse('2026-12-04T12:00:00Z');
    const suppressed: SuppressionReason[] = [];
    const deps: ProcessEventDeps = {
      sends: { markDelivery: async () => ({ result: 'updated' }) },
      suppressions: {
        suppress: async (_w, _e, reason) => void suppressed.push(reason),
        suppressContact: async () => {},
      },
      softBounces: dynamoSoftBounces(db, CORE),
      timeline: { record: async () => 'recorded' },
      reputation: { countOnce: async () => true, counts: async () => ({ sent: 0, bounces: 0, complaints: 0 }) },
      guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      now: () => now,
      wait: async () => {},
    };
    const event: EmailEvent = {
      provider: 'ses',
      type: 'bounced',
      bounceType: 'transient',
      providerMessageId: 'm-ahead',
      workspaceId,
      sendId: 'send-1',
      email: 'ahead@example.com',
      at: '2026-12-04T13:00:00Z', // an hour ahead of this clock
    };
    for (let i = 0; i < 3; i++) {
      expect(await processEmailEvent(event, deps)).not.toHaveProperty('suppressed');
      now += 60_000;
    }
    expect(suppressed).toEqual([]);
  });

  it('a late old bounce does not bring the log expiry forward', async () => {
    const log = dynamoSoftBounces(db, CORE);
    const workspaceId = ws();
    const key = { pk: `WS#${workspaceId}`, sk: 'SOFTBOUNCE#late@example.com' };
    const recent = Date.now() - 60_000;
    await log.record(workspaceId, 'late@example.com', 'ses#m2#bounced:soft#late@example.com', recent);
    const before = Number((await getItem(db, CORE, key, { consistent: true }))?.expiresAt);
    await log.record(workspaceId, 'late@example.com', 'ses#m1#bounced:soft#late@example.com', recent - 6 * DAY);
    const after = Number((await getItem(db, CORE, key, { consistent: true }))?.expiresAt);
    expect(after).toBeGreaterThanOrEqual(before);
    // Kept past the window plus the latest a bounce can still arrive (the queue's DLQ keeps 14 days).
    expect(after * 1000).toBeGreaterThan(recent + (7 + 14) * DAY);
  });
});
