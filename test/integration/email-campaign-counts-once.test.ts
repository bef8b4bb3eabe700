/**
 * A campaign send's delivery, bounce and complaint are counted once per (send, kind), on the
 * real adapters over the DynamoDB emulator (dynamoSendRecords, dynamoSendLedger,
 * dynamoCampaignEventCounter).
 *
 * Fixed (review 7, email, suspicion F4): a campaign delivery was counted twice when the first
 * processing of its Delivery event wrote the "count once" marker and then failed to publish its
 * domain event (PutEvents refused the timeline's contact.interaction_recorded), so SQS retried it;
 * the campaign report then showed more deliveries than sends. Sequence: the sender dies after SES
 * accepted; the Delivery event is processed before the Send event: no record holds the message, so
 * it was counted by the marker CAMPAIGNEVENT#<c>#<send>#delivered, then the timeline's publish
 * threw. The Send event marks the record sent; the retried Delivery found the record without a
 * delivery time, so markDelivery said `first` and a plain ADD counted it again, ignoring the
 * marker. A duplicate of the event arriving after the record did the same (an admitted double
 * count), and a crash between the record's update and the ADD lost the count for good.
 * Now the marker is the one dedupe key: every campaign delivery, bounce and complaint is counted
 * through countCampaignEventOnce (the marker and the ADD in one transaction), never a bare ADD, and
 * the send record is not consulted for counting.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../../shared/adapters/dynamo-email-events';
import { campaignCounters, dynamoCampaignEventCounter } from '../../shared/adapters/dynamo-enrolments';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { EventPublishError } from '../../shared/adapters/eventbridge-events';
import type { CampaignEventCounter, EmailTimeline } from '../../shared/email/event-ports';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import type { EmailEvent } from '../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'cmpcount-';
const CORE = `${PREFIX}core`;
const NOW = Date.parse('2026-12-04T08:30:00Z');
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const recorded: EmailTimeline = { record: async () => 'recorded' };

function depsOf(over: Partial<ProcessEventDeps> = {}): ProcessEventDeps {
  return {
    sends: dynamoSendRecords(db, CORE),
    ledger: dynamoSendLedger(db, CORE),
    suppressions: dynamoSuppressions(db, CORE),
    softBounces: dynamoSoftBounces(db, CORE),
    timeline: recorded,
    reputation: dynamoReputation(db, CORE),
    guard: dynamoReputationGuard(db, CORE),
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    campaigns: dynamoCampaignEventCounter(db, CORE),
    now: () => NOW,
    wait: async () => {},
    ...over,
  };
}

/** The events of campaign `cmp` send `send` in `workspaceId`, message `ses-<send>`. */
const eventsOf =
  (workspaceId: string, cmp: string, send: string) =>
  (type: EmailEvent['type'], extra: Partial<EmailEvent> = {}): EmailEvent => ({
    provider: 'ses',
    type,
    providerMessageId: `ses-${send}`,
    workspaceId,
    sendId: send,
    ledgerKey: `campaign#${cmp}#c1#1#welcome#1`,
    campaign: { campaignId: cmp, nodeId: 'welcome' },
    contactId: 'c1',
    email: 'ada@example.com',
    at: new Date(NOW - 1_000).toISOString(),
    ...extra,
  });

/** The sender claimed the send, SES accepted it, and the sender died before markSent. */
const claimedOnly = (workspaceId: string, cmp: string) =>
  dynamoSendLedger(db, CORE).claim(workspaceId, `campaign#${cmp}#c1#1#welcome#1`, NOW - 5_000, 300_000);

describe("a campaign send's provider events, counted", () => {
  it('once when the Delivery is retried after its domain event failed to publish and the Send event came between', async () => {
    const workspaceId = 'ws-f4';
    await claimedOnly(workspaceId, 'cmp-f4');
    let publishFails = true;
    const deps = depsOf({
      // The timeline's recordInteraction publishes contact.interaction_recorded: PutEvents refuses it once.
      timeline: {
        record: async () => {
          if (publishFails) {
            publishFails = false;
            throw new EventPublishError('EventBridge refused 1 of 1 events', ['ThrottlingException']);
          }
          return 'recorded';
        },
      },
    });
    const event = eventsOf(workspaceId, 'cmp-f4', 'send-f4');

    // 1. The Delivery event comes first (SQS keeps no order): counted, then the publish fails.
    await expect(processEmailEvent(event('delivered'), deps)).rejects.toThrow(EventPublishError);
    // 2. The Send event acknowledges the send.
    expect(await processEmailEvent(event('sent'), deps)).toEqual({ status: 'acknowledged', ledger: 'marked' });
    // 3. SQS delivers the Delivery event again; and a duplicate copy of it comes too.
    await processEmailEvent(event('delivered'), deps);
    await processEmailEvent(event('delivered'), deps);

    expect(await campaignCounters(db, CORE, workspaceId, 'cmp-f4')).toMatchObject({
      delivered: 1,
      'node:welcome:delivered': 1,
    });
  });

  it('once when a duplicate of an event counted before its record existed meets the record', async () => {
    const workspaceId = 'ws-dup';
    await claimedOnly(workspaceId, 'cmp-dup');
    const deps = depsOf();
    const event = eventsOf(workspaceId, 'cmp-dup', 'send-dup');
    await processEmailEvent(event('complained'), deps);
    await processEmailEvent(event('sent'), deps);
    await processEmailEvent(event('complained'), deps);
    expect(await campaignCounters(db, CORE, workspaceId, 'cmp-dup')).toMatchObject({
      complained: 1,
      'node:welcome:complained': 1,
    });
  });

  it('once, not never, when the first attempt failed right after updating the send record', async () => {
    const workspaceId = 'ws-crash';
    await claimedOnly(workspaceId, 'cmp-crash');
    const event = eventsOf(workspaceId, 'cmp-crash', 'send-crash');
    const real = dynamoCampaignEventCounter(db, CORE);
    let fails = true;
    const flaky: CampaignEventCounter = {
      countOnce: async (e) => {
        if (fails) {
          fails = false;
          throw new Error('lost connection');
        }
        return real.countOnce(e);
      },
    };
    const deps = depsOf({ campaigns: flaky });
    await processEmailEvent(event('sent'), deps);
    await expect(processEmailEvent(event('bounced', { bounceType: 'permanent' }), deps)).rejects.toThrow(
      'lost connection',
    );
    // The record already says bounced; the retry still counts the bounce.
    await processEmailEvent(event('bounced', { bounceType: 'permanent' }), deps);
    expect(await campaignCounters(db, CORE, workspaceId, 'cmp-crash')).toMatchObject({
      bounced: 1,
      'node:welcome:bounced': 1,
    });
  });

  it('each kind once, in whatever order the kinds come, replays included', async () => {
    const workspaceId = 'ws-kinds';
    await claimedOnly(workspaceId, 'cmp-kinds');
    const deps = depsOf();
    const event = eventsOf(workspaceId, 'cmp-kinds', 'send-kinds');
    await processEmailEvent(event('sent'), deps);
    // A complaint before the delivery (SQS keeps no order), then each again.
    for (const type of ['complained', 'delivered', 'complained', 'delivered'] as const) {
      await processEmailEvent(event(type), deps);
    }
    const counters = await campaignCounters(db, CORE, workspaceId, 'cmp-kinds');
    expect(counters).toMatchObject({ delivered: 1, complained: 1 });
    expect(counters.bounced ?? 0).toBe(0);
  });
});
