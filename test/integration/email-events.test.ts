/**
 * Provider events over the embedded emulators: the processor's stores in DynamoDB (a hard bounce
 * or a complaint suppresses at once, soft bounces on the 3rd in 7 days, a replay counts nothing
 * twice, the pause at the threshold with its reason and exactly one alert, a resume restarting the
 * window); the local bus delivering a declared rule's matches to SQS (retried until the queue
 * exists); the SES emulator publishing the mailbox simulator's events with the message tags.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRuleDeclaration } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';
import { getItem } from '../../shared/adapters/dynamo/item';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../../shared/adapters/dynamo-email-events';
import { campaignCounters, dynamoCampaignEventCounter } from '../../shared/adapters/dynamo-enrolments';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import type { EmailTimeline } from '../../shared/email/event-ports';
import { ledgerTagOf } from '../../shared/email/ledger-tag';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import type { EmailEvent } from '../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import { resumeSending, sendingStatus } from '../../shared/email/sending-status';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'events-';
const CORE = `${PREFIX}core`;
const DAY = 86_400_000;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let now = Date.parse('2026-12-04T08:30:00Z');

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;

function setup() {
  const timeline: Array<{ email: string; type: string; interactionId: string; contactId?: string }> = [];
  const memoryTimeline: EmailTimeline = {
    async record(_ws, email, entry, contactId) {
      if (!timeline.some((t) => t.interactionId === entry.interactionId)) {
        timeline.push({ email, ...entry, ...(contactId ? { contactId } : {}) });
      }
      return 'recorded';
    },
  };
  const metrics: string[] = [];
  const deps: ProcessEventDeps = {
    sends: dynamoSendRecords(db, CORE),
    suppressions: dynamoSuppressions(db, CORE),
    softBounces: dynamoSoftBounces(db, CORE),
    timeline: memoryTimeline,
    reputation: dynamoReputation(db, CORE),
    guard: dynamoReputationGuard(db, CORE),
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    metrics: { counted: (k) => metrics.push(k), rates: () => undefined, paused: () => metrics.push('paused') },
    now: () => now,
  };
  return { deps, timeline, metrics };
}

const ledger = () => dynamoSendLedger(db, CORE);

/**
 * A send the ledger marked sent (its `sent` counter written with it). Its events name the record in
 * their ledger tag, as SES's and Resend's do; a key too long for the tag (`long`) names none and
 * gets a message pointer instead.
 */
async function sentSend(workspaceId: string, to: string, options: { long?: boolean } = {}) {
  const key = `api#generated#${randomUUID()}${options.long ? `#${'x'.repeat(200)}` : ''}`;
  const messageId = `ses-${randomUUID()}`;
  await ledger().claim(workspaceId, key, now, 60_000);
  await ledger().markSent(workspaceId, key, {
    provider: 'ses',
    providerMessageId: messageId,
    fallbackUsed: false,
    atMs: now,
  });
  const event = (type: EmailEvent['type'], extra: Partial<EmailEvent> = {}): EmailEvent => ({
    provider: 'ses',
    type,
    providerMessageId: messageId,
    workspaceId,
    sendId: key.slice(-12),
    email: to,
    at: new Date(now).toISOString(),
    ...(ledgerTagOf(key) ? { ledgerKey: key } : {}),
    ...extra,
  });
  return { key, messageId, event };
}

const record = (workspaceId: string, key: string) =>
  getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: `EMAILSEND#${key}` }, { consistent: true });
const window = () => ({ from: '2026-11-27T09', to: '2026-12-04T08' });

describe('the event processor over DynamoDB', () => {
  it('suppresses a hard bounce at once, marks the send bounced and counts it once (a replay changes nothing)', async () => {
    const { deps, timeline, metrics } = setup();
    const workspaceId = ws();
    const send = await sentSend(workspaceId, 'gone@example.com');
    const bounce = send.event('bounced', { bounceType: 'permanent', contactId: 'c-gone' });

    const first = await processEmailEvent(bounce, deps);
    const again = await processEmailEvent(bounce, deps);
    // A hard bounce is the mailbox's: the contact at another address is not suppressed.
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, 'new@example.com', 'c-gone')).toEqual([]);

    expect(first).toMatchObject({ status: 'processed', counted: true, suppressed: 'hard-bounce' });
    expect(again).toMatchObject({ status: 'processed', counted: false });
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, 'gone@example.com')).toEqual(['hard-bounce']);
    expect(await record(workspaceId, send.key)).toMatchObject({ state: 'sent', delivery: 'bounced' });
    expect(await deps.reputation.counts(workspaceId, window())).toEqual({ sent: 1, bounces: 1, complaints: 0 });
    expect(timeline.map((t) => t.type)).toEqual(['email_bounced']);
    expect(metrics).toEqual(['bounce']);
  });

  it('suppresses a complaint and counts it; a late delivery does not overwrite the complaint', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    const send = await sentSend(workspaceId, 'angry@example.com');
    await processEmailEvent(send.event('delivered'), deps);
    expect(await record(workspaceId, send.key)).toMatchObject({ delivery: 'delivered' });

    const outcome = await processEmailEvent(send.event('complained', { contactId: 'c-angry' }), deps);
    await processEmailEvent(send.event('complained', { contactId: 'c-angry' }), deps);
    await processEmailEvent(send.event('delivered'), deps);

    expect(outcome).toMatchObject({ counted: true, suppressed: 'complaint' });
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, 'angry@example.com')).toEqual(['complaint']);
    // The person's too (the send named its contact and its record confirms the message): at a new address.
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, 'new@example.com', 'c-angry')).toEqual([
      'complaint',
    ]);
    expect(
      await getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: 'CONTACTOPTOUT#c-angry' }, { consistent: true }),
    ).toMatchObject({ contactId: 'c-angry' });
    expect(await record(workspaceId, send.key)).toMatchObject({ delivery: 'complained' });
    expect(await deps.reputation.counts(workspaceId, window())).toEqual({ sent: 1, bounces: 0, complaints: 1 });
  });

  it('finds the record by its ledger tag, or by the message pointer for a key too long for a tag; never another message', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    const sends = dynamoSendRecords(db, CORE);
    const tagged = await sentSend(workspaceId, 'tagged@example.com');
    const long = await sentSend(workspaceId, 'long@example.com', { long: true });
    const pointer = (messageId: string) =>
      getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: `EMAILMSG#ses#${messageId}` });
    expect(await pointer(tagged.messageId)).toBeUndefined();
    expect(await pointer(long.messageId)).toMatchObject({ ledgerKey: long.key });
    expect(long.event('delivered').ledgerKey).toBeUndefined();

    await processEmailEvent(tagged.event('delivered'), deps);
    await processEmailEvent(long.event('delivered'), deps);
    expect(await record(workspaceId, tagged.key)).toMatchObject({ delivery: 'delivered' });
    expect(await record(workspaceId, long.key)).toMatchObject({ delivery: 'delivered' });

    // A tag naming a record that holds another message (or none yet) moves nothing.
    const unknown = { result: 'unknown' };
    expect(await sends.markDelivery(workspaceId, 'ses', 'ses-other', 'bounced', now, tagged.key)).toEqual(unknown);
    expect(await sends.markDelivery(workspaceId, 'resend', tagged.messageId, 'bounced', now, tagged.key)).toEqual(
      unknown,
    );
    expect(
      await sends.markDelivery(workspaceId, 'ses', tagged.messageId, 'bounced', now, 'api#generated#none'),
    ).toEqual(unknown);
    expect(await record(workspaceId, tagged.key)).toMatchObject({ delivery: 'delivered' });
    // The same state again, or a weaker one: unchanged.
    expect(await sends.markDelivery(workspaceId, 'ses', tagged.messageId, 'delivered', now, tagged.key)).toEqual({
      result: 'unchanged',
      sentAtMs: expect.any(Number),
    });
  });

  it('suppresses on the 3rd soft bounce within 7 days, not the 2nd, and a replay is not a new bounce', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    const to = 'full@example.com';
    const soft = async (daysAgo: number) => {
      const send = await sentSend(workspaceId, to);
      return send.event('bounced', { bounceType: 'transient', at: new Date(now - daysAgo * DAY).toISOString() });
    };
    const old = await soft(9); // outside the 7 days
    const a = await soft(3);
    const b = await soft(1);
    const c = await soft(0);

    await processEmailEvent(old, deps);
    await processEmailEvent(a, deps);
    expect(await processEmailEvent(b, deps)).not.toHaveProperty('suppressed');
    expect(await processEmailEvent(b, deps)).not.toHaveProperty('suppressed');
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, to)).toEqual([]);
    expect(await processEmailEvent(c, deps)).toMatchObject({ suppressed: 'soft-bounces' });
    expect(await dynamoSuppressions(db, CORE).reasonsFor(workspaceId, to)).toEqual(['soft-bounces']);
    // Soft bounces do not count toward the bounce rate (SES counts hard bounces).
    expect((await deps.reputation.counts(workspaceId, window())).bounces).toBe(0);
  });

  it('pauses marketing at the complaint threshold with the reason, raising exactly one alert', async () => {
    const { deps, metrics } = setup();
    const workspaceId = ws();
    // 1 complaint in 250 sends = 0.4% (pause at 0.1%, minimum volume 200).
    const sends = [];
    for (let i = 0; i < 3; i++) sends.push(await sentSend(workspaceId, `c${i}@example.com`));
    await deps.reputation.countOnce(workspaceId, `bulk-${workspaceId}`, '2026-12-04T08', { sent: 247 });

    const first = await processEmailEvent((sends[0] as (typeof sends)[0]).event('complained'), deps);
    const second = await processEmailEvent((sends[1] as (typeof sends)[0]).event('complained'), deps);
    const replay = await processEmailEvent((sends[0] as (typeof sends)[0]).event('complained'), deps);

    expect(first).toMatchObject({ verdict: { status: 'pause' }, paused: true });
    expect(second).toMatchObject({ verdict: { status: 'pause' }, paused: false });
    expect(replay).toMatchObject({ counted: false, paused: false });
    const gate = dynamoSendingGate(db, CORE);
    expect(await gate.pausedReason(workspaceId)).toBe(
      'Marketing sends paused: complaint rate 0.40% of 250 sends reached 0.10%',
    );
    const alerts = await db.send(
      new QueryCommand({
        TableName: CORE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
        ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':alert': 'ALERT#' },
      }),
    );
    expect(alerts.Items?.map((a) => [a.alertType, a.metadata.kind, a.title])).toEqual([
      ['email_reputation', 'email.reputation_paused', expect.stringContaining('complaint rate 0.40%')],
    ]);
    expect(metrics.filter((m) => m === 'paused')).toHaveLength(1);

    // A person resumes: the window restarts at this hour, so the old complaints no longer pause.
    const statusDeps = { gate, reputation: deps.reputation, thresholds: deps.thresholds, now: () => now };
    expect(await sendingStatus(workspaceId, statusDeps)).toMatchObject({
      paused: true,
      counts: { sent: 250, complaints: 2 },
    });
    now += 3_600_000;
    expect(await resumeSending(workspaceId, statusDeps)).toMatchObject({ resumed: true });
    expect(await resumeSending(workspaceId, statusDeps)).toEqual({ resumed: false });
    const after = await sendingStatus(workspaceId, statusDeps);
    expect(after).toMatchObject({ paused: false, counts: { sent: 0, complaints: 0 }, reputation: 'ok' });
    const third = await processEmailEvent(
      (sends[2] as (typeof sends)[0]).event('complained', { at: new Date(now).toISOString() }),
      deps,
    );
    expect(third).toMatchObject({ paused: false, verdict: { status: 'ok' } });
    expect(await gate.pausedReason(workspaceId)).toBeUndefined();
  });

  it('lifts only the pause its reader saw: a pause written meanwhile is a 409 and stays', async () => {
    const workspaceId = ws();
    const gate = dynamoSendingGate(db, CORE);
    await gate.pause(workspaceId, 'Marketing sends paused: bounce rate', 1_000);
    // The reputation is judged again between the person's read and their write: a new pause.
    const statusDeps = {
      gate,
      reputation: {
        counts: async () => {
          await gate.pause(workspaceId, 'Marketing sends paused: complaint rate', 2_000);
          return { sent: 0, bounces: 0, complaints: 0 };
        },
      },
      thresholds: { ...DEFAULT_REPUTATION_THRESHOLDS },
      now: () => 3_000,
    };
    await expect(resumeSending(workspaceId, statusDeps)).rejects.toMatchObject({
      status: 409,
      code: 'SENDING_PAUSE_CHANGED',
    });
    expect(await gate.state(workspaceId)).toMatchObject({
      pausedReason: 'Marketing sends paused: complaint rate',
      pausedAtMs: 2_000,
    });
    // Read again, the new pause is lifted.
    const plain = { ...statusDeps, reputation: { counts: async () => ({ sent: 0, bounces: 0, complaints: 0 }) } };
    expect(await resumeSending(workspaceId, plain)).toMatchObject({ resumed: true });
    expect((await gate.state(workspaceId)).pausedReason).toBeUndefined();
  });

  it('warns once a day below the pause line', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    const sends = [];
    for (let i = 0; i < 2; i++) sends.push(await sentSend(workspaceId, `b${i}@example.com`));
    await deps.reputation.countOnce(workspaceId, `bulk-${workspaceId}`, '2026-12-04T09', { sent: 28 });
    // 2 hard bounces in 30 sends is 6.7%: past the 5% warning, under the 10% pause, but below the
    // minimum volume of 200; lower it for this workspace's judge.
    const low = { ...deps, thresholds: { ...deps.thresholds, minimumVolume: 10 } };
    await processEmailEvent((sends[0] as (typeof sends)[0]).event('bounced', { bounceType: 'permanent' }), low);
    const second = await processEmailEvent(
      (sends[1] as (typeof sends)[0]).event('bounced', { bounceType: 'permanent' }),
      low,
    );
    expect(second).toMatchObject({ verdict: { status: 'warn' } });
    const alerts = await db.send(
      new QueryCommand({
        TableName: CORE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
        ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':alert': 'ALERT#' },
      }),
    );
    expect(alerts.Items?.map((a) => a.metadata.kind)).toEqual(['email.reputation_warning']);
  });
});

describe('the local bus delivering rule matches to SQS', () => {
  let bus: LocalEventBus;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  const queueName = `rule-target-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    sqs = new SQSClient(localClientConfig(dynamo.emulators.sqs.endpoint));
    const rules: EventRuleDeclaration[] = [
      {
        name: 'ses-events',
        description: 'test',
        bus: 'default',
        pattern: { source: ['aws.ses'], detail: { eventType: ['Bounce', 'Complaint'] } },
        targetQueue: 'email-events',
      },
    ];
    // The queue does not exist yet: the first deliveries fail and are retried.
    const url = `${dynamo.emulators.sqs.endpoint}/000000000000/${queueName}`;
    bus = await startEventBus({
      dataDir: dynamo.dataDir,
      busName: 'test-domain-events',
      rules,
      targets: { sqs, queueUrls: { 'email-events': url } },
    });
    events = new EventBridgeClient(localClientConfig(bus.endpoint));
  });

  afterAll(async () => {
    events?.destroy();
    await bus?.stop();
    sqs?.destroy();
  });

  it('delivers each matching envelope (retrying until the queue exists) and nothing else', async () => {
    const put = (source: string, eventType: string) => ({
      Source: source,
      DetailType: 'Email Bounced',
      Detail: JSON.stringify({ eventType, mail: { messageId: 'm' } }),
    });
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          put('aws.ses', 'Bounce'),
          put('aws.ses', 'Delivery'),
          put('other', 'Bounce'),
          { ...put('aws.ses', 'Complaint'), EventBusName: 'test-domain-events' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await new Promise((r) => setTimeout(r, 600));
    expect(bus.pendingDeliveries()).toBe(1);
    const created = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));

    const bodies: string[] = [];
    for (let i = 0; i < 40 && bodies.length < 1; i++) {
      const got = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: created.QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      bodies.push(...(got.Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(bodies).toHaveLength(1);
    const envelope = JSON.parse(bodies[0] as string);
    expect(envelope).toMatchObject({
      source: 'aws.ses',
      'detail-type': 'Email Bounced',
      detail: { eventType: 'Bounce' },
      version: '0',
    });
    expect(envelope).not.toHaveProperty('eventBusName');
    expect(bus.pendingDeliveries()).toBe(0);
  }, 30_000);
});

describe('the SES emulator’s events', () => {
  it('publishes Send and Bounce for the bounce simulator, with the message tags, on the default bus', async () => {
    const bus = await startEventBus({ dataDir: join(dynamo.dataDir, 'ses-bus'), busName: 'x' });
    const ses = new SESv2Client(localClientConfig(dynamo.emulators.ses.endpoint));
    try {
      await dynamo.emulators.configure({ eventBusEndpoint: bus.endpoint });
      const sent = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'no-reply@app.test',
          Destination: { ToAddresses: ['bounce+1@simulator.amazonses.com'] },
          Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
          EmailTags: [
            { Name: 'workspace', Value: 'ws-ses' },
            { Name: 'send', Value: 'send-ses' },
          ],
        }),
      );
      let published = bus.events({ source: 'aws.ses' });
      for (let i = 0; i < 50 && published.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        published = bus.events({ source: 'aws.ses' });
      }
      expect(published.map((e) => [e['detail-type'], e.eventBusName])).toEqual([
        ['Email Sent', 'default'],
        ['Email Bounced', 'default'],
      ]);
      expect(published[1]?.detail).toMatchObject({
        eventType: 'Bounce',
        mail: { messageId: sent.MessageId, tags: { workspace: ['ws-ses'], send: ['send-ses'] } },
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'bounce+1@simulator.amazonses.com' }] },
      });
    } finally {
      await dynamo.emulators.configure({ eventBusEndpoint: '' });
      ses.destroy();
      await bus.stop();
    }
  });
});

describe("counting a campaign send's events", () => {
  it('counts each kind of a campaign send through its marker, and nothing of a send that is no campaign’s', async () => {
    const { deps } = setup();
    const asked: string[] = [];
    const real = dynamoCampaignEventCounter(db, CORE);
    const campaigns = {
      countOnce: async (e: Parameters<typeof real.countOnce>[0]) => {
        asked.push(`${e.kind}@${e.nodeId}`);
        await real.countOnce(e);
      },
    };
    const workspaceId = ws();
    const send = await sentSend(workspaceId, 'camp@example.com');
    const campaign = { campaign: { campaignId: 'cmp-1', nodeId: 'welcome' } };
    const run = (type: EmailEvent['type'], extra: Partial<EmailEvent> = {}) =>
      processEmailEvent(send.event(type, { ...campaign, ...extra }), { ...deps, campaigns });
    // A complaint before the delivery (SQS keeps no order), then each again: every one goes to the
    // marker, which counts each kind once.
    await run('complained');
    await run('delivered');
    await run('complained');
    await run('delivered');
    expect(asked).toEqual(['complained@welcome', 'delivered@welcome', 'complained@welcome', 'delivered@welcome']);
    expect(await campaignCounters(db, CORE, workspaceId, 'cmp-1')).toMatchObject({
      complained: 1,
      delivered: 1,
      'node:welcome:complained': 1,
      'node:welcome:delivered': 1,
    });
    expect(await record(workspaceId, send.key)).toMatchObject({ delivery: 'complained' });
    // A send that is no campaign's counts nothing.
    const plain = await sentSend(workspaceId, 'plain@example.com');
    await processEmailEvent(plain.event('delivered'), { ...deps, campaigns });
    expect(asked).toHaveLength(4);
  });

  it('counts an event whose send record is not found once, by its marker, with the real counter', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    const send = await sentSend(workspaceId, 'lost@example.com');
    const campaigns = dynamoCampaignEventCounter(db, CORE);
    const unknown = send.event('delivered', {
      campaign: { campaignId: 'cmp-lost', nodeId: 'n1' },
      providerMessageId: 'ses-never-recorded',
    });
    await processEmailEvent(unknown, { ...deps, campaigns });
    await processEmailEvent(unknown, { ...deps, campaigns });
    expect(await campaignCounters(db, CORE, workspaceId, 'cmp-lost')).toMatchObject({
      delivered: 1,
      'node:n1:delivered': 1,
    });
  });

  it('names the contact of a send’s `contact` tag only when the send record confirms the message', async () => {
    const { deps, timeline } = setup();
    const workspaceId = ws();
    const send = await sentSend(workspaceId, 'tagged@example.com');
    await processEmailEvent(send.event('delivered', { contactId: 'c-named' }), deps);
    await processEmailEvent(
      send.event('bounced', { contactId: 'c-named', providerMessageId: 'ses-unrecorded', bounceType: 'transient' }),
      deps,
    );
    expect(timeline.map((t) => [t.type, t.contactId])).toEqual([
      ['email_delivered', 'c-named'],
      ['email_bounced', undefined],
    ]);
  });
});
