// Review round 17: this test failed at 2d3df06.
// A resume or an archive queued its follow-up (the `resume-page` pass over held enrolments) after
// its status write, with no outbox: a failed send answered 500 for a change that landed, left it
// unaudited, and nothing ever brought the held enrolments back; a repeat queued the pass again.
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoCampaignFollowUps } from '../../shared/adapters/dynamo-campaign-follow-ups';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { campaignSk, enrolmentSk, heldGsi2, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { sweepDueSteps } from '../../shared/campaigns/resume-and-sweep';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r17a-fpout-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;

let harness: DynamoHarness;
let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  harness = h;
  ({ db } = h);
});

type Handler = typeof import('../../functions/campaigns')['handler'];
let handler: Handler;
let queueUrl: string;
let sqsFails = false;

const tag = randomUUID().slice(0, 8);
const owner = {
  workspaceId: `ws-${tag}`,
  organizationId: `org-${tag}`,
  userId: `user-${tag}`,
  email: `o-${tag}@ex.test`,
};
let apiKey: string;

beforeAll(async () => {
  const client = new SQSClient(localClientConfig(harness.emulators.sqs.endpoint));
  queueUrl = (await client.send(new CreateQueueCommand({ QueueName: `${PREFIX}drip-steps` }))).QueueUrl as string;
  client.destroy();
  Object.assign(process.env, {
    TABLE_CORE: CORE,
    TABLE_AUDIT: AUDIT,
    TABLE_EPHEMERAL: `${PREFIX}ephemeral`,
    QUEUE_DRIP_STEPS_URL: queueUrl,
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:campaign-launch',
    AWS_ENDPOINT_URL_DYNAMODB: harness.emulators.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: harness.emulators.sqs.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOCAL_SECRET_KEY: randomBytes(32).toString('base64'),
    RATE_LIMITS: 'off',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: 'SILENT',
  });
  const { sqs } = await import('../../shared/aws/sqs');
  sqs.middlewareStack.add(
    (next) => async (args) => {
      if (sqsFails) {
        throw Object.assign(new Error('Request rate exceeded'), { name: 'RequestThrottled', $metadata: {} });
      }
      return next(args);
    },
    { step: 'initialize', name: 'r17a-fix-sqs-down' },
  );
  ({ handler } = await import('../../functions/campaigns'));
  const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: CORE, Item }));
  await put({
    pk: userPk(owner.userId),
    sk: USER_PROFILE_SK,
    userId: owner.userId,
    email: owner.email,
    name: 'Owner',
    emailVerified: true,
    defaultWorkspaceId: owner.workspaceId,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  await put({
    pk: workspacePk(owner.workspaceId),
    sk: `MEMBER#${owner.userId}`,
    workspaceId: owner.workspaceId,
    organizationId: owner.organizationId,
    userId: owner.userId,
    role: 'owner',
    joinedAt: '2026-01-01T00:00:00.000Z',
  });
  const caller = { ...owner, role: 'owner', permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner) };
  apiKey = (
    await createApiKey(
      caller,
      { name: 'r17a-fix', scopes: BUILTIN_ROLE_PERMISSIONS.owner },
      { store: dynamoApiKeys(db, CORE), now: () => new Date(), users: dynamoUsers(db, CORE) },
    )
  ).key;
});

async function call(routeKey: string, id?: string, body?: unknown) {
  const { buildEvent } = await import('../../lib/local/api-event');
  const path = routeKey.split(' ')[1]?.replace('{id}', id ?? '') as string;
  const event = buildEvent(
    {
      method: 'POST',
      url: path,
      headers: {
        host: 'localhost',
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-workspace-id': owner.workspaceId,
      },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      sourceIp: '198.51.100.22',
    },
    { routeKey, pathParameters: id ? { id } : {} },
  );
  const context = { awsRequestId: randomUUID(), functionName: 'campaigns', getRemainingTimeInMillis: () => 5000 };
  const result = await handler(event, context as never);
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

const record = async (id: string) =>
  (await db.send(new GetCommand({ TableName: CORE, Key: { pk: workspacePk(owner.workspaceId), sk: campaignSk(id) } })))
    .Item ?? {};

/** Every message on the queue now (received and deleted), as parsed bodies. */
async function drainQueue(): Promise<DripStepMessage[]> {
  const client = new SQSClient(localClientConfig(harness.emulators.sqs.endpoint));
  const out: DripStepMessage[] = [];
  try {
    for (let i = 0; i < 10; i += 1) {
      const got = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = got.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        out.push(JSON.parse(m.Body ?? '{}') as DripStepMessage);
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  } finally {
    client.destroy();
  }
  return out;
}

const passesOf = (messages: readonly DripStepMessage[], id: string) =>
  messages.filter((m) => m.kind === 'resume-page' && m.campaignId === id && !('recheck' in m && m.recheck));

async function auditCount(eventType: string, id: string): Promise<number> {
  const out = await db.send(
    new QueryCommand({
      TableName: AUDIT,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': workspacePk(owner.workspaceId) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).filter((e) => e.eventType === eventType && e.resourceId === id).length;
}

async function pausedCampaignWithHeldContact(): Promise<string> {
  const created = await call('POST /api/campaigns', undefined, { name: 'Held', journey: JOURNEY });
  expect(created.status).toBe(201);
  const id = created.json.campaign.campaignId as string;
  expect((await call('POST /api/campaigns/{id}/publish', id)).status).toBe(200);
  expect((await call('POST /api/campaigns/{id}/pause', id)).status).toBe(200);
  const contactId = `c-${randomUUID().slice(0, 8)}`;
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(owner.workspaceId),
        sk: enrolmentSk(id, contactId),
        type: 'enrolment',
        workspaceId: owner.workspaceId,
        campaignId: id,
        contactId,
        run: 1,
        version: 1,
        node: 'pause',
        step: 2,
        nodeStep: 1,
        status: 'held',
        dueAt: '2026-01-01T00:00:00.000Z',
        enteredAt: '2025-12-31T00:00:00.000Z',
        moves: 1,
        emails: {},
        arms: {},
        ...heldGsi2(owner.workspaceId, id, contactId),
      },
    }),
  );
  await drainQueue();
  return id;
}

const sweep = async () => {
  const swept: DripStepMessage[] = [];
  const result = await sweepDueSteps({
    shards: 1,
    due: async () => ({ enrolments: [] }),
    queue: { sendAll: async (m) => void swept.push(...m) },
    now: () => new Date('2100-01-01T00:00:00.000Z'),
    followUps: dynamoCampaignFollowUps(db, CORE),
  });
  return { swept, result };
};

describe('the follow-up of a status change is an outbox written with it', () => {
  it('an archive whose send fails answers 200, is audited once, and the sweeper sends its pass once', async () => {
    const id = await pausedCampaignWithHeldContact();
    sqsFails = true;
    const answer = await call('POST /api/campaigns/{id}/archive', id).finally(() => {
      sqsFails = false;
    });
    expect(answer.status, 'the archive landed: its answer is 200').toBe(200);
    expect(answer.json.campaign.status).toBe('archived');
    expect(await auditCount('campaigns.archive', id), 'the archive is audited once, with the change').toBe(1);
    const stored = await record(id);
    expect(stored.status).toBe('archived');
    expect(stored.followUp, 'the pass is pending on the record').toBe('resume-page');
    expect(passesOf(await drainQueue(), id)).toEqual([]);

    const first = await sweep();
    expect(passesOf(first.swept, id), 'the sweeper sends the pending pass').toHaveLength(1);
    expect((await record(id)).followUp, 'the marker goes once the pass is sent').toBeUndefined();
    const second = await sweep();
    expect(passesOf(second.swept, id), 'a pass sent is not sent again').toEqual([]);
  });

  it('a resume sends its pass at once, clears the marker, and a repeat of it sends nothing again', async () => {
    const id = await pausedCampaignWithHeldContact();
    const answer = await call('POST /api/campaigns/{id}/resume', id);
    expect(answer.status).toBe(200);
    expect(await auditCount('campaigns.resume', id)).toBe(1);
    expect(passesOf(await drainQueue(), id), 'the pass is queued at once').toHaveLength(1);
    expect((await record(id)).followUp).toBeUndefined();

    const again = await call('POST /api/campaigns/{id}/resume', id);
    expect(again.status).toBe(200);
    expect(passesOf(await drainQueue(), id), 'a repeated resume queues the pass a second time').toEqual([]);
    expect(passesOf((await sweep()).swept, id)).toEqual([]);
  });

  it('a pause after a resume whose send failed drops the pending pass; the next resume leaves its own', async () => {
    const id = await pausedCampaignWithHeldContact();
    sqsFails = true;
    expect(
      (
        await call('POST /api/campaigns/{id}/resume', id).finally(() => {
          sqsFails = false;
        })
      ).status,
    ).toBe(200);
    expect((await record(id)).followUp).toBe('resume-page');
    expect((await call('POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    expect((await record(id)).followUp, 'a paused campaign has no pass to send').toBeUndefined();
    expect(passesOf((await sweep()).swept, id)).toEqual([]);
    expect((await call('POST /api/campaigns/{id}/resume', id)).status).toBe(200);
    expect(passesOf(await drainQueue(), id)).toHaveLength(1);
  });
});
