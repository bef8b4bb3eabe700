// Review round 26 (c), fix: through the real `emails` and `email-sender` functions and adapters.
/**
 * The sender judges a marketing send by address by who holds the address: the live contact, else a
 * soft-deleted one that still holds the claim (functions/email-sender.ts `addressHolderOf`), so:
 * - mail queued by address while no contact had the address, for a person who then became a
 *   contact, opted out and was deleted before the mail went, is closed (judged at send time: mail
 *   already on the queue, and contacts deleted before the fix, are covered with no migration);
 * - a deleted contact that never opted out does not block its address: the send goes (it is not
 *   closed `contact gone`: a send by address names no contact), with no `contact` tag.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues, tables } from '../../lib/definition';
import { queueEnvName, tableEnvName } from '../../lib/definition/names';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { emailSendSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { Contact } from '../../shared/crm/model';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';

const PREFIX = 'r26c-fdh-';
const CORE = `${PREFIX}core`;
const WS = `ws-${randomUUID().slice(0, 8)}`;
const OWNER = `user-${randomUUID().slice(0, 8)}`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let queueUrl: string;
let apiKey: string;
type Handler = (event: unknown, context: Context) => Promise<unknown>;
let api: Handler;
let sender: Handler;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r26c-fix-deleted-holder-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${PREFIX}email-sends` }))).QueueUrl as string;
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqs.endpoint,
    AWS_ENDPOINT_URL_SESV2: emulators.ses.endpoint,
    STAGE: 'local',
    LOCAL_SECRET_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://localhost:3000',
    EVENT_BUS_NAME: `${PREFIX}bus`,
    EMAIL_MAX_SEND_RATE: '50',
    RATE_LIMITS: 'off',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: 'SILENT',
  };
  for (const t of tables) env[tableEnvName(t.name)] = `${PREFIX}${t.name}`;
  for (const q of queues) env[queueEnvName(q.name)] = queueUrl;
  Object.assign(process.env, env);
  for (const name of ['RESEND_API_KEY', 'SMTP_URL', 'RESEND_BASE_URL']) delete process.env[name];

  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: userPk(OWNER),
        sk: USER_PROFILE_SK,
        userId: OWNER,
        email: `${OWNER}@example.test`,
        name: 'Owner',
        emailVerified: true,
        defaultWorkspaceId: WS,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(WS),
        sk: `MEMBER#${OWNER}`,
        workspaceId: WS,
        organizationId: 'org-1',
        userId: OWNER,
        role: 'admin',
        joinedAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
  const admin = {
    workspaceId: WS,
    organizationId: 'org-1',
    role: 'admin',
    userId: OWNER,
    email: `${OWNER}@example.test`,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS.admin),
  };
  apiKey = (
    await createApiKey(
      admin,
      { name: 'sender', scopes: BUILTIN_ROLE_PERMISSIONS.admin },
      { store: dynamoApiKeys(db, CORE), now: () => new Date(), users: dynamoUsers(db, CORE) },
    )
  ).key;
  ({ handler: api } = (await import('../../functions/emails')) as unknown as { handler: Handler });
  ({ handler: sender } = (await import('../../functions/email-sender')) as unknown as { handler: Handler });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const context = (functionName: string) =>
  ({ awsRequestId: randomUUID(), functionName, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

/** `POST /api/emails/send` through the `emails` function's edge, as the caller's API key. */
async function postSend(body: unknown): Promise<{ status: number; json: { sendId?: string; code?: string } }> {
  const { buildEvent } = await import('../../lib/local/api-event');
  const event = buildEvent(
    {
      method: 'POST',
      url: '/api/emails/send',
      headers: { host: 'localhost', authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.20',
    },
    { routeKey: 'POST /api/emails/send', pathParameters: {} },
  );
  const result = (await api(event, context('emails'))) as { statusCode: number; body?: string };
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : {} };
}

/** Hands what is on the email-sends queue to the sender, one receive at a time; answers how many. */
async function deliverOnce(): Promise<number> {
  const got = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  const messages = got.Messages ?? [];
  if (messages.length === 0) return 0;
  const event: SQSEvent = {
    Records: messages.map((m) => ({
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body as string,
      attributes: { ApproximateReceiveCount: '1' } as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:email-sends',
      awsRegion: 'us-east-1',
    })),
  };
  const result = (await sender(event, context('email-sender'))) as { batchItemFailures: unknown[] };
  expect(result.batchItemFailures).toEqual([]);
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
    }),
  );
  return messages.length;
}
async function drain(): Promise<void> {
  while ((await deliverOnce()) > 0);
}

const mailsTo = async (to: string) => {
  const store = (await (await fetch(`${emulators.ses.endpoint}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] }; subject: string }>;
  };
  return store.emails.filter((m) => m.destination.to.includes(to));
};
const ledger = async (key: string) =>
  (
    await db.send(
      new GetCommand({ TableName: CORE, Key: { pk: workspacePk(WS), sk: emailSendSk(key) }, ConsistentRead: true }),
    )
  ).Item;

const contacts = () => dynamoContacts(db, CORE);
async function newContact(status: Contact['status'], tag?: string): Promise<Contact> {
  const id = randomUUID().slice(0, 8);
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId: `c-${id}`,
    workspaceId: WS,
    email: `p-${id}@example.com`,
    firstName: 'Pat',
    status,
    tags: tag ? [tag] : [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
  };
  await contacts().create(contact);
  return contact;
}

const marketing = { subject: 'Our offer', html: '<p>Buy now</p>', category: 'marketing' as const };

async function softDelete(contact: Contact): Promise<void> {
  const at = new Date().toISOString();
  await contacts().setDeleted(WS, contact.contactId, at, at);
  expect((await contacts().findByEmails(WS, [contact.email])).get(contact.email)?.deletedAt).toBeDefined();
}

describe('a marketing send by address judged by the deleted contact that holds the address', () => {
  it('mail queued before the person was a contact is closed by their opt-out after a delete', async () => {
    const email = `late-${randomUUID().slice(0, 8)}@example.com`;
    const sent = await postSend({ ...marketing, to: email });
    expect(sent.status).toBe(202);
    // Still on the queue: the person becomes a contact, unsubscribes, and the contact is deleted.
    const at = new Date().toISOString();
    const person: Contact = {
      contactId: `c-${randomUUID().slice(0, 8)}`,
      workspaceId: WS,
      email,
      status: 'customer',
      tags: [],
      customFields: {},
      score: 0,
      tier: 'cold',
      createdAt: at,
      updatedAt: at,
    };
    await contacts().create(person);
    await dynamoSuppressions(db, CORE).suppressContact(WS, person.contactId, 'unsubscribe', Date.now());
    await softDelete(person);
    await drain();
    expect(await mailsTo(email)).toEqual([]);
    expect(await ledger(`api#generated#${sent.json.sendId}`)).toMatchObject({
      state: 'closed',
      reason: 'suppressed: unsubscribe',
    });
  });

  it('a deleted contact that never opted out does not stop mail to its address', async () => {
    const kept = await newContact('customer');
    await softDelete(kept);
    const sent = await postSend({ ...marketing, to: kept.email });
    expect(sent.status).toBe(202);
    await drain();
    expect(await mailsTo(kept.email)).toHaveLength(1);
    const record = await ledger(`api#generated#${sent.json.sendId}`);
    expect(record).toMatchObject({ state: 'sent' });
  });
});
