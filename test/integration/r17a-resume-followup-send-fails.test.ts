/**
 * Review round 17 (r17a), suspicion 4: a resume (or archive) whose follow-up send fails.
 *
 * Defect: `POST /api/campaigns/{id}/resume` writes the status (`active`) and then queues the
 * `resume-page` message that brings the campaign's held enrolments back. When that send fails (SQS
 * throttled or unreachable past the SDK's retries) the route answers 500 for a change that landed:
 * the campaign reads `active`, no audit entry says who resumed it, and the held enrolments are in
 * no due index, so neither the sweep nor any timer ever brings them back: they stay `held` for good
 * unless someone happens to repeat the request (the 500 tells them it failed, the campaign page
 * tells them it is active). The same holds for archive (its held enrolments never exit).
 *
 * Severity: MEDIUM (a 5xx for a landed change; every contact paused in the campaign silently
 * stuck, nothing queued to fix it).
 * Root cause: functions/campaigns.ts `transition` (the status write and the follow-up send are two
 * steps with no outbox: the send's failure becomes the route's answer) and
 * shared/campaigns/resume-and-sweep.ts (the sweep never looks at held enrolments of an active or
 * archived campaign).
 * Correct behaviour: the status change and the follow-up land together or the follow-up is
 * guaranteed afterwards (an outbox item written with the status, or the sweep also paging the held
 * index of campaigns no longer paused), and the route answers 200 for the change that landed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoCampaignFollowUps } from '../../shared/adapters/dynamo-campaign-follow-ups';
import { dueEnrolments } from '../../shared/adapters/dynamo-enrolments';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import {
  campaignSk,
  DUE_STEP_SHARDS,
  enrolmentSk,
  heldGsi2,
  USER_PROFILE_SK,
  userPk,
  workspacePk,
} from '../../shared/adapters/keys';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { sweepDueSteps } from '../../shared/campaigns/resume-and-sweep';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r17a-rsend-';
const CORE = `${PREFIX}core`;

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

const owner = (() => {
  const tag = randomUUID().slice(0, 8);
  return { workspaceId: `ws-${tag}`, organizationId: `org-${tag}`, userId: `user-${tag}`, email: `o-${tag}@ex.test` };
})();
let apiKey: string;

beforeAll(async () => {
  const client = new SQSClient(localClientConfig(harness.emulators.sqs.endpoint));
  queueUrl = (await client.send(new CreateQueueCommand({ QueueName: `${PREFIX}drip-steps` }))).QueueUrl as string;
  client.destroy();
  Object.assign(process.env, {
    TABLE_CORE: CORE,
    TABLE_AUDIT: `${PREFIX}audit`,
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
  // Outside the SDK's retries: SQS throttled past them, as an outage would.
  sqs.middlewareStack.add(
    (next) => async (args) => {
      if (sqsFails) {
        throw Object.assign(new Error('Request rate exceeded'), {
          name: 'RequestThrottled',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'r17a-sqs-down' },
  );
  ({ handler } = await import('../../functions/campaigns'));
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: userPk(owner.userId),
        sk: USER_PROFILE_SK,
        userId: owner.userId,
        email: owner.email,
        name: 'Owner',
        emailVerified: true,
        defaultWorkspaceId: owner.workspaceId,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(owner.workspaceId),
        sk: `MEMBER#${owner.userId}`,
        workspaceId: owner.workspaceId,
        organizationId: owner.organizationId,
        userId: owner.userId,
        role: 'owner',
        joinedAt: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
  const caller = { ...owner, role: 'owner', permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner) };
  apiKey = (
    await createApiKey(
      caller,
      { name: 'r17a', scopes: BUILTIN_ROLE_PERMISSIONS.owner },
      { store: dynamoApiKeys(db, CORE), now: () => new Date(), users: dynamoUsers(db, CORE) },
    )
  ).key;
});

async function call(method: string, routeKey: string, id?: string, body?: unknown) {
  const { buildEvent } = await import('../../lib/local/api-event');
  const path = routeKey.split(' ')[1]?.replace('{id}', id ?? '') as string;
  const event = buildEvent(
    {
      method,
      url: path,
      headers: {
        host: 'localhost',
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-workspace-id': owner.workspaceId,
      },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      sourceIp: '198.51.100.21',
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

describe('a resume whose follow-up send fails', () => {
  it('answers 200 for the change that landed, and its held enrolment is brought back', async () => {
    const created = await call('POST', 'POST /api/campaigns', undefined, { name: 'Held', journey: JOURNEY });
    expect(created.status).toBe(201);
    const id = created.json.campaign.campaignId as string;
    expect((await call('POST', 'POST /api/campaigns/{id}/publish', id)).status).toBe(200);
    expect((await call('POST', 'POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    // A contact's step met the pause: its enrolment is held (out of the due index).
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

    sqsFails = true;
    const answer = await call('POST', 'POST /api/campaigns/{id}/resume', id).finally(() => {
      sqsFails = false;
    });
    expect((await record(id)).status).toBe('active');
    expect
      .soft(answer.status, 'the resume landed (the campaign is active) but the route answered 5xx')
      .toBeLessThan(500);

    // Nothing else brings the held enrolment back: no message is queued, and the sweep (the safety
    // net for lost timers) reads the due index only.
    const swept: DripStepMessage[] = [];
    await sweepDueSteps({
      shards: DUE_STEP_SHARDS,
      due: (shard, before, limit, after) =>
        dueEnrolments(db, CORE, shard, before, limit, after as Record<string, unknown> | undefined),
      queue: { sendAll: async (m) => void swept.push(...m) },
      now: () => new Date('2100-01-01T00:00:00.000Z'),
      // As functions/campaign-sweeper.ts wires it (added with the fix: the outbox the sweep reads).
      followUps: dynamoCampaignFollowUps(db, CORE),
    });
    const client = new SQSClient(localClientConfig(harness.emulators.sqs.endpoint));
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    client.destroy();
    const queued = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as DripStepMessage);
    const bringsBack = [...queued, ...swept].filter(
      (m) =>
        (m.kind === 'resume-page' && m.campaignId === id) ||
        (m.kind === 'step' && m.campaignId === id && m.contactId === contactId),
    );
    expect(bringsBack, 'the held enrolment of a campaign that is active again is never resumed').not.toEqual([]);
  });
});
