// Review round 17 (re-review): this test failed at 20c8653.
// Defect: a repeated status change (a retry of resume/pause/archive whose answer was lost, or a
// double click) writes nothing to the campaign, yet writes a SECOND audit entry: the transition
// returns the campaign as it is (no write, `markWritten` never called), so the route answers
// `inWrite: false` and the edge's audit middleware appends an entry of its own for a change that
// did not happen. The audit log then shows two resumes (two archives) for one.
// Severity: LOW (audit log accuracy; the project's rule since b0a8bf2: "a repeated revocation,
// invite withdrawal or alert acknowledgement writes no second audit entry"; docs/CAMPAIGNS.md:
// "a retry answers 200 and writes nothing").
// Root cause: functions/campaigns.ts `transition` (audit: { ..., inWrite: withChange?.written === true })
// together with shared/campaigns/campaign.ts `transitionCampaign` (already-there early return).
// Correct: a transition to the status the campaign already has writes no audit entry (answer with
// no `audit`, or mark it as handled), so one change = one entry.
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { enrolmentSk, heldGsi2, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r17f-raud-';
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
const sqsFails = false;

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
    { step: 'initialize', name: 'r17f-sqs-down' },
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
      { name: 'r17f', scopes: BUILTIN_ROLE_PERMISSIONS.owner },
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

describe('a repeated status change is audited once', () => {
  it('a resume sent twice leaves one campaigns.resume entry', async () => {
    const id = await pausedCampaignWithHeldContact();
    expect((await call('POST /api/campaigns/{id}/resume', id)).status).toBe(200);
    expect(await auditCount('campaigns.resume', id)).toBe(1);
    const again = await call('POST /api/campaigns/{id}/resume', id);
    expect(again.status).toBe(200);
    expect(await auditCount('campaigns.resume', id), 'the repeat changed nothing: no second entry').toBe(1);
  });

  it('an archive sent twice leaves one campaigns.archive entry', async () => {
    const id = await pausedCampaignWithHeldContact();
    expect((await call('POST /api/campaigns/{id}/archive', id)).status).toBe(200);
    expect((await call('POST /api/campaigns/{id}/archive', id)).status).toBe(200);
    expect(await auditCount('campaigns.archive', id), 'the repeat changed nothing: no second entry').toBe(1);
  });
});
