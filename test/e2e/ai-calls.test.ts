/**
 * AI calls end to end through the local runtime, as a new user would try them: with no provider
 * (AI_MODE=offline) every result says offline; a client key gives the same call; another
 * workspace sees none of it; a workspace over its budget gets 429 AI_BUDGET_EXCEEDED and nothing
 * is queued. With the local stand-ins answering: ai-calls-stand-in.test.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let other: TestUser;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', AI_MODE: 'offline' });
  owner = await newUser(runtime, 'ai-owner');
  other = await newUser(runtime, 'ai-other');
  db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const asOwner = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const asOther = (method: string, path: string, body?: unknown) => requestAs(runtime, () => other)(method, path, body);
const email = {
  agent: 'email-intent',
  input: { from: 'ada@example.com', subject: 'Demo?', body: 'Can we meet on Tuesday?' },
};

/** The call once the worker is done with it. */
const finished = (callId: string) =>
  eventually(async () => {
    const { call } = await okJson(await asOwner('GET', `/api/ai/calls/${callId}`));
    return ['queued', 'running'].includes(call.status) ? undefined : call;
  });

const storedCalls = async (workspaceId: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: runtime.tables.core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `WS#${workspaceId}`, ':sk': 'AICALL#' },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe('queued AI calls', () => {
  let callId: string;

  it('queues a call (202) and completes it offline, saying so, with no made-up output', async () => {
    const queued = await okJson(await asOwner('POST', '/api/ai/calls', { ...email, clientKey: 'first-call' }), 202);
    expect(queued).toMatchObject({ status: 'queued', links: { self: `/api/ai/calls/${queued.callId}` } });
    callId = queued.callId;
    const call = await finished(callId);
    expect(call).toMatchObject({
      callId,
      agent: 'email-intent',
      status: 'offline',
      offline: true,
      provider: 'offline',
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      input: email.input,
    });
    expect(call).not.toHaveProperty('output');
  });

  it('answers the same call for the same client key, and queues nothing twice', async () => {
    const again = await asOwner('POST', '/api/ai/calls', { ...email, clientKey: 'first-call' });
    expect(await okJson(again, 202)).toMatchObject({ callId });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await storedCalls(owner.workspaceId)).toHaveLength(1);
    const reused = await asOwner('POST', '/api/ai/calls', {
      ...email,
      input: { body: 'other' },
      clientKey: 'first-call',
    });
    expect((await okJson(reused, 422)).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('shows another workspace nothing: not the call, not the contact', async () => {
    const res = await asOther('GET', `/api/ai/calls/${callId}`);
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe('AI_CALL_NOT_FOUND');

    const { contact } = await okJson(
      await asOwner('POST', '/api/contacts', { email: 'lead@example.com', firstName: 'Lee', jobTitle: 'CTO' }),
      201,
    );
    const theirs = await asOther('POST', '/api/ai/calls', {
      agent: 'contact-intelligence',
      input: { contactId: contact.contactId },
    });
    expect(theirs.status).toBe(404);
    expect((await json(theirs)).code).toBe('CONTACT_NOT_FOUND');
    const ours = await okJson(
      await asOwner('POST', '/api/ai/calls', {
        agent: 'contact-intelligence',
        input: { contactId: contact.contactId },
      }),
      202,
    );
    expect(await finished(ours.callId)).toMatchObject({ status: 'offline', agent: 'contact-intelligence' });
  });

  it('runs a preview at once, offline, and counts every call in the usage', async () => {
    const preview = await okJson(await asOwner('POST', '/api/ai/preview', email));
    expect(preview).toMatchObject({ agent: 'email-intent', status: 'offline', offline: true });
    expect(preview).not.toHaveProperty('output');
    const { usage } = await okJson(await asOwner('GET', '/api/ai/usage'));
    expect(usage).toMatchObject({
      total: { calls: 3, tokens: 0, costUsd: 0 },
      byAgent: { 'email-intent': { calls: 2 }, 'contact-intelligence': { calls: 1 } },
      budgets: { monthlyTokens: 2_000_000, monthlyCostUsd: 25 },
      exceeded: false,
    });
    expect(Date.parse(usage.resetsAt)).toBeGreaterThan(Date.now());
  });

  it('refuses a workspace over its budget with 429 AI_BUDGET_EXCEEDED and queues nothing', async () => {
    await okJson(await asOther('PUT', '/api/settings/ai.monthly_token_budget', { value: 0 }), 201);
    const refused = await asOther('POST', '/api/ai/calls', { ...email, clientKey: 'over-budget' });
    const body = await okJson(refused, 429);
    expect(body).toMatchObject({
      code: 'AI_BUDGET_EXCEEDED',
      details: { tokens: { used: 0, budget: 0 }, resetsAt: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00.000Z$/) },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await asOther('POST', '/api/ai/preview', email)).status).toBe(429);
    expect(await storedCalls(other.workspaceId)).toHaveLength(0);
    expect((await okJson(await asOther('GET', '/api/ai/usage'))).usage).toMatchObject({
      exceeded: true,
      total: { calls: 0 },
    });
  });
});
