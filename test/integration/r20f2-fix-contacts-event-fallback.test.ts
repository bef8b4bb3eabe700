// Review round 20: this test failed at ecf4a7e.
/**
 * DEFECT (MEDIUM): the `contacts` function published its domain events (contact.created,
 * contact.tag_added, contact.interaction_recorded, the scorer's tier crossings) through the plain
 * EventBridge publisher. When PutEvents failed after the write had landed, the request answered 5xx
 * and the events stayed pending on the contact item until a retry of the same request (or the
 * contact's next write): a client that did not retry left contact.created (which starts campaigns)
 * unpublished for good. Now what the bus does not take goes straight to the rule's queue
 * (drip-steps), in the envelope the rule delivers, and the request answers its 2xx with nothing
 * pending; only when the queue fails too does the publish throw (5xx, events kept pending for the
 * retry, which publishes the same event ids).
 *
 * The real `contacts` function runs over the emulators (DynamoDB, SQS, the local EventBridge): its
 * EVENT_BUS_NAME names a bus that does not exist, so the local bus refuses every entry.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
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
import type { LocalEventBus } from '../../lib/local/event-bus';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { ownerWithKey, type RefusedBusWorld, startRefusedBusWorld } from '../support/refused-bus-world';

const PREFIX = 'r20f2-';
const CORE = `${PREFIX}core`;
const DRIP_STEPS = `${PREFIX}drip-steps`;

let world: RefusedBusWorld;
let bus: LocalEventBus;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
let logs: LogTap;
type Result = { statusCode: number; body?: string };
type Handler = (event: unknown, context: Context) => Promise<Result>;
let api: Handler;

beforeAll(async () => {
  world = await startRefusedBusWorld(PREFIX);
  ({ bus, db, sqs, dripSteps } = world);
  logs = tapFunctionLogs();
  ({ handler: api } = (await import('../../functions/contacts')) as unknown as { handler: Handler });
}, 60_000);

afterAll(async () => {
  logs?.stop();
  await world?.stop();
});

/** An owner of a new workspace and an API key carrying the owner's permissions. */
const signedIn = () => ownerWithKey(db, CORE, 'r20f2');

/** A request through the function's edge; answers the result, its JSON and the request id. */
async function call(key: string, method: string, routeKey: string, url: string, body: unknown, id?: string) {
  const requestId = randomUUID();
  const event = buildEvent(
    {
      method,
      url,
      headers: { host: 'localhost', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.21',
    },
    { routeKey, ...(id ? { pathParameters: { id } } : {}) },
    requestId,
  );
  const context = { awsRequestId: randomUUID(), functionName: 'contacts', getRemainingTimeInMillis: () => 10_000 };
  const result = await api(event, context as unknown as Context);
  return {
    result,
    json: result.body ? (JSON.parse(result.body) as { contact: { contactId: string } }) : undefined,
    requestId,
  };
}

const create = (key: string, body: unknown) => call(key, 'POST', 'POST /api/contacts', '/api/contacts', body);

/** Every message on drip-steps now (deleted as read), parsed as the drip-step worker reads them. */
async function drain() {
  const all: Message[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dripSteps, MaxNumberOfMessages: 10 }));
    const messages = got.Messages ?? [];
    if (messages.length === 0) break;
    all.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dripSteps,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
  return all.map((m) => {
    const body = JSON.parse(m.Body as string) as Record<string, unknown>;
    const parsed = dripStepMessage.parse(body);
    if (parsed.kind !== 'domain-event') throw new Error(`not a domain event: ${m.Body}`);
    return { envelope: body, event: parsed.event };
  });
}

const pendingOf = async (workspaceId: string, contactId: string) =>
  (await dynamoContacts(db, CORE).getWithPending(workspaceId, contactId))?.pending ?? [];

describe('the contacts function when EventBridge refuses its events', () => {
  it('POST /api/contacts answers 201; contact.created and its tag events are on drip-steps, nothing pending', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    // Act
    const { result, json } = await create(key, { email: `a-${randomUUID()}@example.com`, tags: ['vip'] });
    // Assess
    expect(result.statusCode, result.body).toBe(201);
    const contactId = json?.contact.contactId as string;
    expect(bus.events({ workspaceId })).toEqual([]);
    const delivered = await drain();
    expect(delivered.map((d) => [d.envelope['detail-type'], d.envelope.source])).toEqual([
      ['contact.created', 'unite-hub'],
      ['contact.tag_added', 'unite-hub'],
    ]);
    expect(delivered[0]?.event.detail).toMatchObject({ workspaceId, contactId, eventId: `created-${contactId}` });
    expect(delivered[1]?.event.detail).toMatchObject({ workspaceId, contactId, tag: 'vip' });
    expect(await pendingOf(workspaceId, contactId)).toEqual([]);
  });

  it('a PATCH adding a tag and an interaction answer 2xx with their events on drip-steps', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `b-${randomUUID()}@example.com` });
    const contactId = created.json?.contact.contactId as string;
    await drain();
    // Act
    const patched = await call(
      key,
      'PATCH',
      'PATCH /api/contacts/{id}',
      `/api/contacts/${contactId}`,
      { tags: ['lead-magnet'] },
      contactId,
    );
    const recorded = await call(
      key,
      'POST',
      'POST /api/contacts/{id}/interactions',
      `/api/contacts/${contactId}/interactions`,
      { type: 'form_submit' },
      contactId,
    );
    // Assess
    expect(patched.result.statusCode, patched.result.body).toBe(200);
    expect(recorded.result.statusCode, recorded.result.body).toBe(201);
    const types = (await drain()).map((d) => d.event.detail);
    expect(types).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ contactId, tag: 'lead-magnet' }),
        expect.objectContaining({ contactId, interactionType: 'form_submit' }),
      ]),
    );
    expect(await pendingOf(workspaceId, contactId)).toEqual([]);
  });
});

describe('the contacts function when the bus and the queue both fail', () => {
  it('answers 5xx with the events kept pending and naming them; the retry after recovery publishes the same id', async () => {
    // Prepare: the queue is gone as well.
    const { workspaceId, key } = await signedIn();
    const input = { email: `c-${randomUUID()}@example.com` };
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
    // Act
    const failed = await create(key, input);
    // Assess: the write landed, its events are kept for the retry, and the error names them.
    // 503 EVENTS_UNAVAILABLE with Retry-After since r20r2: the write landed, the retry is the remedy.
    expect(failed.result.statusCode).toBe(503);
    expect(JSON.parse(failed.result.body ?? '{}')).toMatchObject({ code: 'EVENTS_UNAVAILABLE' });
    const contacts = await dynamoContacts(db, CORE).list(workspaceId, {}, { limit: 10 });
    expect(contacts.contacts).toHaveLength(1);
    const contactId = contacts.contacts[0]?.contactId as string;
    expect((await pendingOf(workspaceId, contactId)).map((e) => e.detail.eventId)).toEqual([`created-${contactId}`]);
    const errors = logs.linesFor(failed.requestId).filter((line) => line.includes('"level":"ERROR"'));
    expect(errors.join('\n')).toContain(`contact.created created-${contactId}`);

    // Act: the queue is back; the client retries the same create.
    expect((await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }))).QueueUrl).toBe(dripSteps);
    const retried = await create(key, input);
    // Assess
    expect(retried.result.statusCode, retried.result.body).toBe(201);
    expect(retried.json?.contact.contactId).toBe(contactId);
    const delivered = await drain();
    expect(delivered.map((d) => d.event.detail.eventId)).toEqual([`created-${contactId}`]);
    expect(await pendingOf(workspaceId, contactId)).toEqual([]);
  });
});
