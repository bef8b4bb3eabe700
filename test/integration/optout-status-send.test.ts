// Review round 16: this test failed at 5bc3520.
/**
 * DEFECT (MEDIUM): a contact whose CRM status is `unsubscribed` (an opt-out imported from another
 * CRM, no suppression record) was still mailed by the send path: a one-off marketing send through
 * `POST /api/emails/send` went out, and so did a broadcast's mail whose page fanned out before the
 * status was set. The sender (functions/email-sender.ts -> shared/email/send-email.ts) applied the
 * suppressions only, not `mailBlockFor` with the contact's status.
 * Here the real `emails` and `email-sender` functions run over the emulators (DynamoDB, SQS, SES):
 * such a send is answered as one to a suppressed address is (202, then closed
 * `suppressed: unsubscribe`, no mail), transactional mail still goes, and the status read rides
 * in the suppressions' BatchGetItem (no request of its own).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues, tables } from '../../lib/definition';
import { queueEnvName, tableEnvName } from '../../lib/definition/names';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoBroadcasts } from '../../shared/adapters/dynamo-broadcasts';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../../shared/adapters/dynamo-email-templates';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { emailSendSk, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { Contact } from '../../shared/crm/model';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';

const PREFIX = 'optst-';
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
// Modules that read shared/config.ts as they load: imported once the environment is set.
let sqsEmailSends: typeof import('../../shared/adapters/sqs-email-sends')['sqsEmailSends'];
let broadcasts: typeof import('../../shared/email/broadcast');
let createTemplate: typeof import('../../shared/email/stored-templates')['createTemplate'];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'optout-status-'));
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
  ({ sqsEmailSends } = await import('../../shared/adapters/sqs-email-sends'));
  broadcasts = await import('../../shared/email/broadcast');
  ({ createTemplate } = await import('../../shared/email/stored-templates'));
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

describe('a one-off marketing send through the API to a contact whose status is unsubscribed', () => {
  it('is answered and closed as a send to a suppressed address is: nothing mailed', async () => {
    const optedOut = await newContact('unsubscribed');
    const suppressedAddress = await newContact('customer');
    await dynamoSuppressions(db, CORE).suppress(WS, suppressedAddress.email, 'unsubscribe', Date.now());

    const byContact = await postSend({ ...marketing, contactId: optedOut.contactId });
    const byAddress = await postSend({ ...marketing, to: optedOut.email });
    const reference = await postSend({ ...marketing, contactId: suppressedAddress.contactId });
    expect([byContact.status, byAddress.status, reference.status]).toEqual([202, 202, 202]);
    await drain();

    expect(await mailsTo(suppressedAddress.email)).toEqual([]);
    expect(await mailsTo(optedOut.email), 'marketing mail went out to an unsubscribed contact').toEqual([]);
    const closed = { state: 'closed', reason: 'suppressed: unsubscribe' };
    expect(await ledger(`api#generated#${reference.json.sendId}`)).toMatchObject(closed);
    expect(await ledger(`api#generated#${byContact.json.sendId}`)).toMatchObject(closed);
    expect(await ledger(`api#generated#${byAddress.json.sendId}`)).toMatchObject(closed);
  });

  it('still gets transactional mail; a marketing send to a subscribed contact goes', async () => {
    const optedOut = await newContact('unsubscribed');
    const subscribed = await newContact('lead');
    const receipt = await postSend({ ...marketing, category: 'transactional', contactId: optedOut.contactId });
    const offer = await postSend({ ...marketing, contactId: subscribed.contactId });
    expect([receipt.status, offer.status]).toEqual([202, 202]);
    await drain();
    expect(await mailsTo(optedOut.email)).toHaveLength(1);
    expect(await mailsTo(subscribed.email)).toHaveLength(1);
  });
});

describe('a broadcast whose page fanned out before the status was set', () => {
  it('does not mail the contact that became unsubscribed meanwhile; the others are mailed', async () => {
    const tag = `news-${randomUUID().slice(0, 6)}`;
    const stays = await newContact('customer', tag);
    const leaves = await newContact('customer', tag);
    const templates = dynamoEmailTemplates(db, CORE);
    const template = await createTemplate(
      WS,
      {
        name: 'News',
        category: 'marketing',
        subject: 'News for {{ contact.firstName }}',
        html: '<p>News</p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}',
      },
      OWNER,
      { templates, newId: randomUUID, now: () => new Date() },
    );
    const broadcast = await broadcasts.startBroadcast(
      WS,
      template.templateId,
      { audience: { tag } },
      { createdBy: OWNER },
      {
        templates,
        broadcasts: dynamoBroadcasts(db, CORE),
        queue: sqsEmailSends(sqs, queueUrl),
        profile: async () => ({ name: 'Acme', postalAddress: '1 Main St, Springfield' }),
        newId: randomUUID,
        now: () => new Date(),
      },
    );
    // The page fans out (one send message per contact), both contacts still subscribed.
    expect(await deliverOnce()).toBe(1);
    // Then the status is set (an import from another CRM), before the sends are taken.
    await contacts().update(leaves, { status: 'unsubscribed' });
    await drain();

    expect(await mailsTo(stays.email)).toHaveLength(1);
    expect(await mailsTo(leaves.email), 'the broadcast mailed a contact unsubscribed since its page').toEqual([]);
    expect(await ledger(broadcasts.broadcastLedgerKey(broadcast.broadcastId, leaves.contactId))).toMatchObject({
      state: 'closed',
      reason: 'suppressed: unsubscribe',
    });
  });
});

describe('the status read at send time', () => {
  it("rides in the suppressions' BatchGetItem: no request of its own", async () => {
    const contact = await newContact('unsubscribed');
    const calls: string[] = [];
    const counting = new Proxy(db, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: unknown) => {
              calls.push((command as object).constructor.name);
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });
    const store = dynamoSuppressions(counting, CORE);
    const [reasons, status] = await Promise.all([
      store.reasonsFor(WS, contact.email, contact.contactId),
      store.contactStatus(WS, contact.contactId),
    ]);
    expect(reasons).toEqual([]);
    expect(status).toMatchObject({ status: 'unsubscribed' });
    expect(calls).toEqual([BatchGetCommand.name]);
    // No such contact: no status.
    expect(await store.contactStatus(WS, 'c-nobody')).toBeUndefined();
  });
});
