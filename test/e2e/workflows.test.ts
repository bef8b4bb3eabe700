/**
 * Queues, the state machine and the schedule, end to end through the local runtime:
 * messages go in through the real SQS client, executions start through the real Step
 * Functions client, results are read back through the real DynamoDB client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedules } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { scheduledEvent } from '../../lib/local/scheduler';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let sfn: SFNClient;
let table: string;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'workflows');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
  sqs = new SQSClient(localClientConfig(runtime.endpoints.sqs));
  sfn = new SFNClient(localClientConfig(runtime.endpoints.stepFunctions));
  table = runtime.tables.core as string;
});
afterAll(async () => {
  await runtime?.stop();
});

const fresh = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const enrolments = async (workspaceId: string, campaignId: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': `ENROLMENT#${campaignId}#` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = await json(res);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
};

/** `count` contacts tagged `tag`, their ids. */
async function seedContacts(tag: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api('POST', '/api/contacts', { email: `${tag}-${i}@example.com`, tags: [tag] });
    ids.push(created.contact.contactId);
  }
  return ids;
}

/** A published campaign whose journey only waits a day (no mail), with the given trigger. */
async function publishedCampaign(on?: Record<string, unknown>): Promise<string> {
  const created = await api('POST', '/api/campaigns', {
    name: fresh('journey'),
    journey: {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait', ...(on ? { on } : {}) },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'done' },
        { id: 'done', kind: 'exit' },
      ],
    },
  });
  await api('POST', `/api/campaigns/${created.campaign.campaignId}/publish`);
  return created.campaign.campaignId;
}

describe('drip-steps queue', () => {
  it('delivers a message to the worker, which enrols the contact once even when sent twice', async () => {
    const ws = owner.workspaceId;
    const [contactId] = await seedContacts(fresh('twice'), 1);
    const campaignId = await publishedCampaign();
    const message = { kind: 'enrol', workspaceId: ws, campaignId, contactId, launchId: 'l1' };
    const QueueUrl = runtime.queues['drip-steps']?.url;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(message) }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ ...message, launchId: 'l2' }) }));
    const items = await eventually(async () => {
      const found = await enrolments(ws, campaignId);
      return found.length > 0 ? found : undefined;
    });
    // Both copies handled: one enrolment, entered counted once.
    await eventually(async () => {
      const stats = await api('GET', `/api/campaigns/${campaignId}/stats`);
      return stats.counters.entered === 1 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await enrolments(ws, campaignId)).toHaveLength(1);
    expect(items[0]).toMatchObject({ contactId, status: 'waiting', node: 'wait', run: 1 });
    expect((await api('GET', `/api/campaigns/${campaignId}/stats`)).counters.entered).toBe(1);
  });

  it('does not delete a poison message: it stays on the queue for retry and, later, the DLQ', async () => {
    const QueueUrl = runtime.queues['drip-steps']?.url;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"kind":"enrol","workspaceId":""}' }));
    await eventually(async () => {
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible) === 1 ? true : undefined;
    });
  });
});

describe('ai-calls queue', () => {
  it('runs a queued call through the local AI stand-in and stores the validated result on its record', async () => {
    const ws = fresh('ws');
    const now = new Date().toISOString();
    // The record as POST /api/ai/calls stores it; the message only names it.
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `WS#${ws}`,
          sk: 'AICALL#call-1',
          workspaceId: ws,
          callId: 'call-1',
          agent: 'email-intent',
          request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Can we meet on Tuesday?' } },
          status: 'queued',
          createdAt: now,
          createdBy: 'user-1',
          updatedAt: now,
          attempts: 0,
        },
      }),
    );
    const call = { workspaceId: ws, callId: 'call-1' };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: runtime.queues['ai-calls']?.url, MessageBody: JSON.stringify(call) }),
    );
    const item = await eventually(async () => {
      const out = await db.send(new GetCommand({ TableName: table, Key: { pk: `WS#${ws}`, sk: 'AICALL#call-1' } }));
      return out.Item?.status === 'running' || out.Item?.status === 'queued' ? undefined : out.Item;
    });
    // The runtime's default AI is the local stand-ins (docs/AI.md, "Locally"); offline mode: ai-calls.test.ts.
    expect(item).toMatchObject({
      status: 'completed',
      attempts: 1,
      run: { offline: false, model: expect.stringMatching(/-local$/) },
      output: { intent: expect.any(String), suggestedReply: expect.any(String) },
    });
  });
});

describe('campaign launch state machine', () => {
  it('enrols the whole audience page by page through the drip-steps queue', async () => {
    const ws = owner.workspaceId;
    const tag = fresh('spring');
    const ids = await seedContacts(tag, 7);
    const campaignId = await publishedCampaign();
    const stateMachineArn = runtime.stateMachines['campaign-launch'];
    const input = { workspaceId: ws, campaignId, launchId: fresh('launch'), pageSize: 3, filter: { tag } };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: fresh('launch'), input: JSON.stringify(input) }),
    );
    await runtime.workflowsIdle();
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ enrolled: 7, done: true });
    const items = await eventually(async () => {
      const found = await enrolments(ws, campaignId);
      return found.length === 7 ? found : undefined;
    });
    expect(items.map((i) => i.contactId).sort()).toEqual([...ids].sort());
  });

  it('fails an execution visibly when its input is malformed', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: runtime.stateMachines['campaign-launch'],
        name: fresh('bad'),
        input: JSON.stringify({ campaignId: 'x' }),
      }),
    );
    await runtime.workflowsIdle();
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('FAILED');
  });
});

describe('campaign-triggers schedule', () => {
  it('launches a due scheduled campaign exactly once, even when the trigger fires twice', async () => {
    const ws = owner.workspaceId;
    const tag = fresh('autumn');
    await seedContacts(tag, 2);
    const at = new Date(Date.now() + 1_500).toISOString();
    const campaignId = await publishedCampaign({ type: 'schedule', at, filter: { tag } });
    await new Promise((r) => setTimeout(r, 2_000));
    const decl = schedules.find((s) => s.name === 'campaign-triggers');
    if (!decl) throw new Error('campaign-triggers schedule is not declared');
    const first = (await runtime.functions.invoke(decl.target, scheduledEvent(decl, new Date()))) as {
      launched: number;
    };
    const second = (await runtime.functions.invoke(decl.target, scheduledEvent(decl, new Date()))) as {
      launched: number;
    };
    expect(first.launched).toBeGreaterThanOrEqual(1);
    expect(second.launched).toBe(0);
    await runtime.workflowsIdle();
    const items = await eventually(async () => {
      const found = await enrolments(ws, campaignId);
      return found.length === 2 ? found : undefined;
    });
    expect(items).toHaveLength(2);
    const campaign = await db.send(
      new GetCommand({ TableName: table, Key: { pk: `WS#${ws}`, sk: `CAMPAIGN#${campaignId}` } }),
    );
    expect(campaign.Item?.gsi1pk).toBeUndefined();
  });
});
