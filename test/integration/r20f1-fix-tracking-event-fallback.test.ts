// Review round 20: this test failed at 5fa3bb3.
/**
 * DEFECT (MEDIUM): the `emails` function's open, click and unsubscribe routes record an interaction
 * and then publish `contact.interaction_recorded` (and the scorer's tier crossings) to EventBridge;
 * a PutEvents that failed was only logged. Nothing retries a mail client's request, so the event was
 * lost: its one consumer, the drip-steps queue (rule `campaign-triggers`), never started the
 * campaigns it triggers, and waiting enrolments saw the interaction only at their poll (up to 12 h).
 * Now a failed PutEvents sends the same events straight to drip-steps, in the envelope the rule
 * delivers (shared/adapters/fallback-events.ts); when that fails too, an error names the event types.
 *
 * Here the real `emails` function runs over the emulators (DynamoDB, SQS, the local EventBridge):
 * its EVENT_BUS_NAME names a bus that does not exist, so the local bus refuses every entry
 * (`ResourceNotFoundException`), as the service does.
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../lib/local/api-event';
import { localClientConfig } from '../../lib/local/emulators';
import type { LocalEventBus } from '../../lib/local/event-bus';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { eventBridgePublisher } from '../../shared/adapters/eventbridge-events';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { eventContact } from '../../shared/campaigns/trigger-from-event';
import { happeningOf } from '../../shared/campaigns/wake-on-event';
import { sealTrackingToken } from '../../shared/email/tracking-token';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { type RefusedBusWorld, startRefusedBusWorld } from '../support/refused-bus-world';

const PREFIX = 'r20f1-';
const CORE = `${PREFIX}core`;
/** The bus the world's rules run on (startRefusedBusWorld). */
const BUS = `${PREFIX}domain-events`;
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0';

let world: RefusedBusWorld;
let bus: LocalEventBus;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
let key: Buffer;
let logs: LogTap;
type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number; headers?: Record<string, string> }>;
let api: Handler;

beforeAll(async () => {
  world = await startRefusedBusWorld(PREFIX);
  ({ bus, db, sqs, dripSteps } = world);
  logs = tapFunctionLogs();
  key = (await import('../../shared/config')).trackingKey();
  ({ handler: api } = (await import('../../functions/emails')) as unknown as { handler: Handler });
}, 60_000);

afterAll(async () => {
  logs?.stop();
  await world?.stop();
});

const context = () =>
  ({
    awsRequestId: randomUUID(),
    functionName: 'emails',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

async function newContact(): Promise<{ workspaceId: string; contactId: string }> {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contactId = `c-${randomUUID().slice(0, 8)}`;
  const at = '2026-03-01T10:00:00.000Z';
  await dynamoContacts(db, CORE).create({
    contactId,
    workspaceId,
    email: `${contactId}@example.com`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  });
  return { workspaceId, contactId };
}

/** A public tracking link's GET (or HEAD) through the function's edge; answers the result and the request id. */
async function hit(kind: 'o' | 'c', token: string) {
  const requestId = randomUUID();
  const event = buildEvent(
    {
      method: 'GET',
      url: `/t/${kind}/${token}`,
      headers: { host: 'localhost', 'user-agent': UA, accept: 'text/html,image/*' },
      body: Buffer.alloc(0),
      sourceIp: '198.51.100.7',
    },
    { routeKey: `GET /t/${kind}/{token}`, pathParameters: { token } },
    requestId,
  );
  return { result: await api(event, context()), requestId };
}

/** Every message on drip-steps now (deleted as read). */
async function drain(): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dripSteps, MaxNumberOfMessages: 10 }));
    const messages = got.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dripSteps,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
}

describe('a tracking hit whose domain event EventBridge refuses', () => {
  it('answers the pixel and puts contact.interaction_recorded on drip-steps, in the envelope the rule delivers', async () => {
    // Prepare
    const { workspaceId, contactId } = await newContact();
    const token = sealTrackingToken({ kind: 'open', workspaceId, sendId: `send-${randomUUID()}`, contactId }, key);
    // Act
    const { result } = await hit('o', token);
    // Assess: the reader's answer is the pixel, and the event reached the queue directly.
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('image/gif');
    expect(bus.events({ workspaceId })).toEqual([]);
    const messages = await drain();
    expect(messages).toHaveLength(1);
    const body = JSON.parse(messages[0]?.Body as string) as Record<string, unknown>;
    // The consumer reads it as a domain event: it names the contact and the interaction.
    const parsed = dripStepMessage.parse(body);
    expect(parsed.kind).toBe('domain-event');
    if (parsed.kind !== 'domain-event') return;
    expect(eventContact(parsed.event)).toEqual({ workspaceId, contactId });
    expect(happeningOf(parsed.event)).toMatchObject({ type: 'contact.interaction_recorded' });
    expect(parsed.event.detail).toMatchObject({ workspaceId, contactId, interactionType: 'email_opened' });

    // The same event put on the real bus, as the rule delivers it: the same envelope, key for key.
    const { workspaceId: _ws, occurredAt, ...detail } = parsed.event.detail;
    const client = new EventBridgeClient(localClientConfig(bus.endpoint));
    try {
      await eventBridgePublisher(client, BUS).publish([
        { type: 'contact.interaction_recorded', workspaceId, occurredAt: String(occurredAt), detail },
      ]);
    } finally {
      client.destroy();
    }
    let delivered: Message[] = [];
    for (let i = 0; i < 100 && delivered.length === 0; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      delivered = await drain();
    }
    expect(delivered).toHaveLength(1);
    const viaRule = JSON.parse(delivered[0]?.Body as string) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(viaRule));
    const { id: _a, ...fallbackRest } = body;
    const { id: _b, ...ruleRest } = viaRule;
    expect(fallbackRest).toEqual(ruleRest);
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('still redirects a click when the queue fails too, and logs an error naming the lost event types', async () => {
    // Prepare: the queue is gone as well.
    const { workspaceId, contactId } = await newContact();
    const token = sealTrackingToken(
      { kind: 'click', workspaceId, sendId: `send-${randomUUID()}`, contactId, url: 'https://example.org/offer' },
      key,
    );
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
    // Act
    const { result, requestId } = await hit('c', token);
    // Assess
    expect(result.statusCode).toBe(302);
    expect(result.headers?.location).toBe('https://example.org/offer');
    const errors = logs.linesFor(requestId).filter((line) => line.includes('"level":"ERROR"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('contact.interaction_recorded');
  });
});
