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
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRules, queues, tables } from '../../lib/definition';
import { queueEnvName, tableEnvName } from '../../lib/definition/names';
import { buildEvent } from '../../lib/local/api-event';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { storedOwner } from '../support/stored-accounts';

const PREFIX = 'r20f2-';
const CORE = `${PREFIX}core`;
const BUS = `${PREFIX}domain-events`;
const DRIP_STEPS = `${PREFIX}drip-steps`;

let dataDir: string;
let emulators: Emulators;
let bus: LocalEventBus;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
let logs: LogTap;
type Result = { statusCode: number; body?: string };
type Handler = (event: unknown, context: Context) => Promise<Result>;
let api: Handler;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r20f2-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
  dripSteps = (await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }))).QueueUrl as string;
  const other = (await sqs.send(new CreateQueueCommand({ QueueName: `${PREFIX}other` }))).QueueUrl as string;
  bus = await startEventBus({
    dataDir: join(dataDir, 'events'),
    busName: BUS,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': dripSteps } },
  });
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqs.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    STAGE: 'local',
    LOCAL_SECRET_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://localhost:3000',
    // No such bus: every entry of the function's PutEvents is refused.
    EVENT_BUS_NAME: `${PREFIX}no-such-bus`,
    RATE_LIMITS: 'off',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: 'WARN',
  };
  for (const t of tables) env[tableEnvName(t.name)] = `${PREFIX}${t.name}`;
  for (const q of queues) env[queueEnvName(q.name)] = q.name === 'drip-steps' ? dripSteps : other;
  Object.assign(process.env, env);
  logs = tapFunctionLogs();
  ({ handler: api } = (await import('../../functions/contacts')) as unknown as { handler: Handler });
}, 60_000);

afterAll(async () => {
  logs?.stop();
  sqs?.destroy();
  raw?.destroy();
  await bus?.stop();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** An owner of a new workspace and an API key carrying the owner's permissions. */
async function signedIn() {
  const owner = await storedOwner(db, CORE);
  const permissions = BUILTIN_ROLE_PERMISSIONS.owner;
  const { key } = await createApiKey(
    {
      workspaceId: owner.workspaceId,
      organizationId: owner.organizationId,
      role: 'owner',
      userId: owner.userId,
      email: owner.email,
      permissions: new Set(permissions),
      passwordVersion: 0,
    },
    { name: 'r20f2', scopes: permissions },
    { store: dynamoApiKeys(db, CORE), now: () => new Date(), users: owner.accounts },
  );
  return { workspaceId: owner.workspaceId, key };
}

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
