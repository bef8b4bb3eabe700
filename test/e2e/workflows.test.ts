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
import { eventually, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let sfn: SFNClient;
let table: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
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

async function seedContacts(workspaceId: string, count: number) {
  for (let i = 0; i < count; i++) {
    await db.send(
      new PutCommand({ TableName: table, Item: { pk: `WS#${workspaceId}`, sk: `CONTACT#c${i}`, type: 'contact' } }),
    );
  }
}

describe('drip-steps queue', () => {
  it('delivers a message to the worker, which records the enrolment once even when sent twice', async () => {
    const ws = fresh('ws');
    const message = { kind: 'enrol', workspaceId: ws, campaignId: 'camp', contactId: 'c1', launchId: 'l1' };
    const QueueUrl = runtime.queues['drip-steps']?.url;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(message) }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ ...message, launchId: 'l2' }) }));
    const items = await eventually(async () => {
      const found = await enrolments(ws, 'camp');
      return found.length > 0 ? found : undefined;
    });
    await eventually(async () => {
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const left =
        Number(attrs.Attributes?.ApproximateNumberOfMessages) +
        Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible);
      return left === 0 ? true : undefined;
    });
    expect(await enrolments(ws, 'camp')).toHaveLength(1);
    // Standard queues do not keep order: whichever copy came first made the enrolment.
    expect(items[0]).toMatchObject({ contactId: 'c1', state: 'running' });
    expect(['l1', 'l2']).toContain(items[0]?.launchId);
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
  it('runs a queued call on the offline provider and stores a result that says so', async () => {
    const ws = fresh('ws');
    const call = { workspaceId: ws, callId: 'call-1', agent: 'email-intent', prompt: 'Can we meet on Tuesday?' };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: runtime.queues['ai-calls']?.url, MessageBody: JSON.stringify(call) }),
    );
    const item = await eventually(async () => {
      const out = await db.send(new GetCommand({ TableName: table, Key: { pk: `WS#${ws}`, sk: 'AICALL#call-1' } }));
      return out.Item;
    });
    expect(item).toMatchObject({ provider: 'offline', offline: true, agent: 'email-intent' });
    expect(item.text).toContain('offline');
  });
});

describe('campaign launch state machine', () => {
  it('enrols the whole audience page by page through the drip-steps queue', async () => {
    const ws = fresh('ws');
    await seedContacts(ws, 7);
    const stateMachineArn = runtime.stateMachines['campaign-launch'];
    const input = { workspaceId: ws, campaignId: 'spring', launchId: 'launch-1', pageSize: 3 };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: fresh('launch'), input: JSON.stringify(input) }),
    );
    await runtime.workflowsIdle();
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ enrolled: 7, done: true });
    const items = await eventually(async () => {
      const found = await enrolments(ws, 'spring');
      return found.length === 7 ? found : undefined;
    });
    expect(items.map((i) => i.contactId).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
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
  it('launches a due campaign exactly once, even when the trigger fires twice', async () => {
    const ws = fresh('ws');
    await seedContacts(ws, 2);
    const dueAt = new Date(Date.now() - 60_000).toISOString();
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `WS#${ws}`,
          sk: 'CAMPAIGN#autumn',
          workspaceId: ws,
          campaignId: 'autumn',
          nextRunAt: dueAt,
          gsi1pk: 'DUE#campaign',
          gsi1sk: `${dueAt}#${ws}#autumn`,
        },
      }),
    );
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
      const found = await enrolments(ws, 'autumn');
      return found.length === 2 ? found : undefined;
    });
    expect(items).toHaveLength(2);
    const campaign = await db.send(
      new GetCommand({ TableName: table, Key: { pk: `WS#${ws}`, sk: 'CAMPAIGN#autumn' } }),
    );
    expect(campaign.Item?.lastLaunchedAt).toBe(dueAt);
    expect(campaign.Item?.gsi1pk).toBeUndefined();
  });
});
