/**
 * The `campaigns` function (functions/campaigns.ts, the handler API Gateway calls) wired to the
 * embedded emulators of one test file: its tables (`<prefix>core`, `<prefix>audit`...), its
 * drip-steps queue, an owner with an API key, and the calls and reads its tests make (the
 * workspace's settings through the `security` function too). The
 * emulators start once, in the file's `beforeAll` (through `dynamoForFile`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoUsers } from '../../shared/adapters/dynamo-users';
import { campaignSk, enrolmentSk, heldGsi2, USER_PROFILE_SK, userPk, workspacePk } from '../../shared/adapters/keys';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { type DynamoHarness, dynamoForFile } from './dynamo-emulator';

type Handler = typeof import('../../functions/campaigns')['handler'];

/** A journey whose contacts wait a day at `pause` (a pause of the campaign holds them there). */
export const WAIT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

/**
 * Every SQS call of the functions throws a throttle while `isDown()`: outside the SDK's retries
 * (SQS throttled past them, as an outage would). For `faults`.
 */
export async function throttleSqsWhile(isDown: () => boolean, $metadata: Record<string, unknown> = {}): Promise<void> {
  const { sqs } = await import('../../shared/aws/sqs');
  sqs.middlewareStack.add(
    (next) => async (args) => {
      if (isDown()) {
        throw Object.assign(new Error('Request rate exceeded'), {
          name: 'RequestThrottled',
          $metadata: { ...$metadata },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'campaign-wiring-sqs-down' },
  );
}

/**
 * The `campaigns` function of this file. `faults` runs once the environment is set and before the
 * function is imported: where a test adds middleware to the shared SDK clients (shared/aws/*).
 */
export function campaignsFunctionForFile(prefix: string, options: { faults?: () => Promise<void> } = {}) {
  const core = `${prefix}core`;
  const audit = `${prefix}audit`;
  let harness: DynamoHarness | undefined;
  let handler: Handler | undefined;
  let queueUrl: string | undefined;
  let apiKey: string | undefined;
  const tag = randomUUID().slice(0, 8);
  const owner = {
    workspaceId: `ws-${tag}`,
    organizationId: `org-${tag}`,
    userId: `user-${tag}`,
    email: `o-${tag}@ex.test`,
  };
  const started = () => {
    if (!harness) throw new Error('campaignsFunctionForFile: used before its beforeAll');
    return harness;
  };
  const ready = () => {
    if (queueUrl === undefined) throw new Error('campaignsFunctionForFile: used before its beforeAll');
    return { harness: started(), db: started().db, queueUrl };
  };

  dynamoForFile(prefix, (h) => {
    harness = h;
  });

  beforeAll(async () => {
    const harness = started();
    const { db } = harness;
    const client = new SQSClient(localClientConfig(harness.emulators.sqs.endpoint));
    queueUrl = (await client.send(new CreateQueueCommand({ QueueName: `${prefix}drip-steps` }))).QueueUrl as string;
    client.destroy();
    Object.assign(process.env, {
      TABLE_CORE: core,
      TABLE_AUDIT: audit,
      TABLE_EPHEMERAL: `${prefix}ephemeral`,
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
    await options.faults?.();
    ({ handler } = await import('../../functions/campaigns'));
    const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: core, Item }));
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
        { name: prefix, scopes: BUILTIN_ROLE_PERMISSIONS.owner },
        { store: dynamoApiKeys(db, core), now: () => new Date(), users: dynamoUsers(db, core) },
      )
    ).key;
  });
  /** An API Gateway event of `method url` (route `routeKey`): the owner's API key, in their workspace. */
  async function ownerEvent(
    method: string,
    url: string,
    routeKey: string,
    pathParameters: Record<string, string>,
    body?: unknown,
  ) {
    const { buildEvent } = await import('../../lib/local/api-event');
    return buildEvent(
      {
        method,
        url,
        headers: {
          host: 'localhost',
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'x-workspace-id': owner.workspaceId,
        },
        body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
        sourceIp: '198.51.100.20',
      },
      { routeKey, pathParameters },
    );
  }
  const contextOf = (functionName: string) =>
    ({ awsRequestId: randomUUID(), functionName, getRemainingTimeInMillis: () => 5000 }) as never;
  const answerOf = (result: { statusCode?: number; body?: string }) => ({
    status: result.statusCode,
    json: result.body ? JSON.parse(result.body) : undefined,
  });

  /** `method routeKey` as API Gateway calls the function: the owner's API key, in their workspace. */
  async function call(method: string, routeKey: string, id?: string, body?: unknown) {
    const path = routeKey.split(' ')[1]?.replace('{id}', id ?? '') as string;
    const event = await ownerEvent(method, path, routeKey, id ? { id } : {}, body);
    return answerOf(await (handler as Handler)(event, contextOf('campaigns')));
  }

  /** `PUT|DELETE /api/settings/{key}` through the `security` function, as the owner in their workspace. */
  async function setting(method: 'PUT' | 'DELETE', key: string, body?: unknown) {
    const { handler: security } = await import('../../functions/security');
    const event = await ownerEvent(method, `/api/settings/${key}`, `${method} /api/settings/{key}`, { key }, body);
    return answerOf(await security(event, contextOf('security')));
  }

  /** The campaign's record as stored. */
  const record = async (id: string) =>
    (
      await ready().db.send(
        new GetCommand({ TableName: core, Key: { pk: workspacePk(owner.workspaceId), sk: campaignSk(id) } }),
      )
    ).Item ?? {};

  /** Every message on the queue now (received and deleted), as parsed bodies. */
  async function drainQueue(): Promise<DripStepMessage[]> {
    const { harness, queueUrl } = ready();
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

  /** How many `eventType` entries the audit log holds for the campaign `id`. */
  async function auditCount(eventType: string, id: string): Promise<number> {
    const out = await ready().db.send(
      new QueryCommand({
        TableName: audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': workspacePk(owner.workspaceId) },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).filter((e) => e.eventType === eventType && e.resourceId === id).length;
  }

  /** A contact's enrolment held at `pause` (out of the due index), as a step that met the pause leaves it. */
  async function putHeldEnrolment(campaignId: string, contactId: string): Promise<void> {
    await ready().db.send(
      new PutCommand({
        TableName: core,
        Item: {
          pk: workspacePk(owner.workspaceId),
          sk: enrolmentSk(campaignId, contactId),
          type: 'enrolment',
          workspaceId: owner.workspaceId,
          campaignId,
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
          ...heldGsi2(owner.workspaceId, campaignId, contactId),
        },
      }),
    );
  }

  /** A published, then paused, campaign of WAIT_JOURNEY with one held contact; the queue drained. */
  async function pausedCampaignWithHeldContact(): Promise<string> {
    const created = await call('POST', 'POST /api/campaigns', undefined, { name: 'Held', journey: WAIT_JOURNEY });
    expect(created.status).toBe(201);
    const id = created.json.campaign.campaignId as string;
    expect((await call('POST', 'POST /api/campaigns/{id}/publish', id)).status).toBe(200);
    expect((await call('POST', 'POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    await putHeldEnrolment(id, `c-${randomUUID().slice(0, 8)}`);
    await drainQueue();
    return id;
  }

  return {
    core,
    audit,
    owner,
    /** The file's DocumentClient (once `beforeAll` ran). */
    get db() {
      return ready().db;
    },
    get harness() {
      return ready().harness;
    },
    get queueUrl() {
      return ready().queueUrl;
    },
    call,
    setting,
    record,
    drainQueue,
    auditCount,
    putHeldEnrolment,
    pausedCampaignWithHeldContact,
  };
}
