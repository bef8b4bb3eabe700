/**
 * Provider events through the whole local runtime: a send accepted by the SES emulator publishes
 * the mailbox simulator's events on the local bus, the declared rule delivers them to the
 * email-events queue, and the processor applies them.
 * - bounce@simulator -> the address is suppressed; the next send to it is closed `suppressed: hard-bounce`;
 * - 24 deliveries and 1 complaint (minimum volume lowered to 20 for the run) -> marketing paused
 *   with the reason (GET /api/emails/sending), marketing held, transactional still sent; a
 *   person resumes -> marketing goes again;
 * - the Resend webhook: a bad signature is a 401 and queues nothing; the stand-in's own signed
 *   webhooks (SES failing, Resend taking over) suppress a bounced@resend.dev address.
 * One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { FAULT_PATH } from '../../lib/local/emulators/fault-switch';
import { LOCAL_RESEND_WEBHOOK_SECRET, svixHeaders } from '../../lib/local/emulators/resend-webhooks';
import type { Runtime } from '../../lib/local/runtime';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import { outbox } from '../support/accounts';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let sqs: SQSClient;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, {
    RATE_LIMITS: 'off',
    EMAIL_MAX_SEND_RATE: '100',
    // 1 complaint in 25 sends pauses (the default line of 200 sends is covered by the integration test).
    EMAIL_REPUTATION_MIN_VOLUME: '20',
  });
  sqs = new SQSClient(localClientConfig(runtime.endpoints.sqs));
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
  db = DynamoDBDocumentClient.from(raw);
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  raw?.destroy();
  await runtime?.stop();
});

const core = () => runtime.tables.core as string;
const ledger = async (workspaceId: string, key: string) =>
  (await db.send(new GetCommand({ TableName: core(), Key: { pk: workspacePk(workspaceId), sk: emailSendSk(key) } })))
    .Item;
const reasons = (workspaceId: string, email: string) => dynamoSuppressions(db, core()).reasonsFor(workspaceId, email);
const send = (user: TestUser, body: Record<string, unknown>, key: string) =>
  fetch(`${runtime.url}/api/emails/send`, {
    method: 'POST',
    headers: as(user, { 'idempotency-key': key }),
    body: JSON.stringify({ subject: 'Hello', html: '<p>Hi</p>', category: 'transactional', ...body }),
  });
const stateOf = (user: TestUser, key: string, states: readonly string[]) =>
  eventually(async () => {
    const item = await ledger(user.workspaceId, `api#client#${key}`);
    return item && states.includes(String(item.state)) ? item : undefined;
  }, 30_000);
const mailsTo = async (to: string) => (await outbox(runtime)).filter((m) => m.destination.to.includes(to));
const status = async (user: TestUser) => json(await fetch(`${runtime.url}/api/emails/sending`, { headers: as(user) }));

describe('SES bounces', () => {
  it('suppresses a bounced address, and closes the next send to it', async () => {
    const owner = await newUser(runtime, 'bouncer');
    const to = 'bounce+e2e@simulator.amazonses.com';
    expect((await send(owner, { to }, 'b-1')).status).toBe(202);

    await eventually(
      async () => ((await reasons(owner.workspaceId, to)).includes('hard-bounce') ? true : undefined),
      30_000,
    );
    expect(await stateOf(owner, 'b-1', ['sent'])).toMatchObject({ delivery: 'bounced' });

    expect((await send(owner, { to }, 'b-2')).status).toBe(202);
    const closed = await stateOf(owner, 'b-2', ['closed']);
    expect(closed.reason).toBe('suppressed: hard-bounce');
    expect(await mailsTo(to)).toHaveLength(1);
    expect((await status(owner)).counts).toMatchObject({ sent: 1, bounces: 1 });
  }, 60_000);
});

describe('the reputation pause', () => {
  it('pauses marketing at the complaint line, holds marketing, lets transactional through, and resumes', async () => {
    const owner = await newUser(runtime, 'complained');
    const tag = randomUUID().slice(0, 6);
    // 24 deliveries first, all sent before the complaint is judged.
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        send(owner, { to: `success+${tag}-${i}@simulator.amazonses.com`, category: 'marketing' }, `ok-${tag}-${i}`),
      ),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await eventually(async () => ((await status(owner)).counts.sent >= 24 ? true : undefined), 45_000);
    expect((await status(owner)).paused).toBe(false);

    expect(
      (await send(owner, { to: 'complaint@simulator.amazonses.com', category: 'marketing' }, `c-${tag}`)).status,
    ).toBe(202);
    const paused = await eventually(async () => {
      const s = await status(owner);
      return s.paused ? s : undefined;
    }, 30_000);
    expect(paused).toMatchObject({
      paused: true,
      reason: 'Marketing sends paused: complaint rate 4.00% of 25 sends reached 0.10%',
      reputation: 'pause',
      counts: { sent: 25, bounces: 0, complaints: 1 },
      rates: { complaintRate: 0.04, bounceRate: 0 },
    });
    expect(Date.parse(paused.since)).toBeLessThanOrEqual(Date.now());
    expect(await reasons(owner.workspaceId, 'complaint@simulator.amazonses.com')).toEqual(['complaint']);

    // Marketing is held (released for a later attempt, nothing mailed); transactional goes.
    const held = `held-${tag}@example.com`;
    await send(owner, { to: held, category: 'marketing' }, `held-${tag}`);
    const transactional = `receipt-${tag}@example.com`;
    await send(owner, { to: transactional, category: 'transactional' }, `tx-${tag}`);
    await stateOf(owner, `tx-${tag}`, ['sent']);
    expect((await stateOf(owner, `held-${tag}`, ['released'])).state).toBe('released');
    expect(await mailsTo(held)).toHaveLength(0);
    expect(await mailsTo(transactional)).toHaveLength(1);

    // A marketing message arriving now (what the held one's delayed copy does after its wait) is held too.
    const queued = {
      workspaceId: owner.workspaceId,
      sendId: `q-${tag}`,
      idempotencyKey: `test#q-${tag}`,
      category: 'marketing',
      to: `queued-${tag}@example.com`,
      content: { subject: 'News', html: '<p>News</p>' },
      context: { contact: { email: `queued-${tag}@example.com` }, workspace: { name: 'Test' } },
      attempt: 0,
    };
    const queueUrl = runtime.queues['email-sends']?.url as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(queued) }));
    await eventually(async () =>
      (await ledger(owner.workspaceId, queued.idempotencyKey))?.state === 'released' ? true : undefined,
    );

    // A member may read the status but not resume; the owner resumes.
    const member = await newUser(runtime, 'member');
    await addMember(runtime, owner.workspaceId, owner.organizationId, member, 'member');
    const asMember = as(member, { 'x-workspace-id': owner.workspaceId });
    const seen = await fetch(`${runtime.url}/api/emails/sending`, { headers: asMember });
    expect(seen.status).toBe(200);
    expect((await json(seen)).paused).toBe(true);
    const refused = await fetch(`${runtime.url}/api/emails/sending/resume`, { method: 'POST', headers: asMember });
    expect(refused.status).toBe(403);
    expect((await status(owner)).paused).toBe(true);
    const resumed = await fetch(`${runtime.url}/api/emails/sending/resume`, { method: 'POST', headers: as(owner) });
    expect(resumed.status).toBe(200);
    expect(await json(resumed)).toMatchObject({ paused: false, resumed: true, counts: { sent: 0 } });
    expect((await status(owner)).paused).toBe(false);
    const audit = await json(
      await fetch(`${runtime.url}/api/security/audit-log?eventType=email-sending.resume`, { headers: as(owner) }),
    );
    expect(audit.entries[0]).toMatchObject({
      eventType: 'email-sending.resume',
      actorId: owner.userId,
      resourceType: 'email-sending',
      metadata: { resumed: true, reason: paused.reason },
    });

    // The held message's next delivery goes (its real delay is 15 minutes: sent again here).
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ ...queued, attempt: 1 }) }),
    );
    await eventually(
      async () => ((await ledger(owner.workspaceId, queued.idempotencyKey))?.state === 'sent' ? true : undefined),
      30_000,
    );
    const after = `after-${tag}@example.com`;
    await send(owner, { to: after, category: 'marketing' }, `after-${tag}`);
    await stateOf(owner, `after-${tag}`, ['sent']);
    expect(await mailsTo(after)).toHaveLength(1);
    expect(await mailsTo(queued.to)).toHaveLength(1);
  }, 120_000);
});

describe('POST /api/hooks/resend', () => {
  const hook = (to: string, workspaceId: string) =>
    JSON.stringify({
      type: 'email.bounced',
      created_at: new Date().toISOString(),
      data: {
        email_id: randomUUID(),
        created_at: new Date().toISOString(),
        from: 'no-reply@unite-hub.local',
        to: [to],
        subject: 'x',
        tags: [
          { name: 'workspace', value: workspaceId },
          { name: 'send', value: 'hook-send' },
        ],
        bounce: { type: 'Permanent', subType: 'General', message: 'gone' },
      },
    });
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${runtime.url}/api/hooks/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  it('answers 401 to a bad, tampered or stale signature and queues nothing', async () => {
    const owner = await newUser(runtime, 'hooked');
    const to = `forged-${randomUUID().slice(0, 6)}@example.com`;
    const body = hook(to, owner.workspaceId);
    const signed = svixHeaders(LOCAL_RESEND_WEBHOOK_SECRET, body, Date.now());

    const answers = await Promise.all([
      post(body, {}),
      post(body, svixHeaders('whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==', body, Date.now())),
      post(body.replace('Permanent', 'Transient'), signed),
      post(body, svixHeaders(LOCAL_RESEND_WEBHOOK_SECRET, body, Date.now() - 10 * 60_000)),
    ]);

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(await json(answers[0] as Response)).toMatchObject({ code: 'INVALID_WEBHOOK_SIGNATURE' });
    // Nothing reached the processor: after a while, still no suppression.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await reasons(owner.workspaceId, to)).toEqual([]);

    // The same body, signed: 200, queued, and the bounce suppresses.
    const ok = await post(body, signed);
    expect(ok.status).toBe(200);
    await eventually(
      async () => ((await reasons(owner.workspaceId, to)).includes('hard-bounce') ? true : undefined),
      30_000,
    );
  }, 60_000);

  it('takes the Resend stand-in’s own signed webhooks (SES failing, Resend sending)', async () => {
    const owner = await newUser(runtime, 'resent');
    const to = `bounced+${randomUUID().slice(0, 6)}@resend.dev`;
    const fault = (mode: string) => fetch(`${runtime.endpoints.ses}${FAULT_PATH}`, { method: 'PUT', body: mode });
    expect((await fault('fail')).ok).toBe(true);
    try {
      await send(owner, { to }, 'r-1');
      expect(await stateOf(owner, 'r-1', ['sent'])).toMatchObject({ provider: 'resend' });
      await eventually(
        async () => ((await reasons(owner.workspaceId, to)).includes('hard-bounce') ? true : undefined),
        30_000,
      );
      expect(await stateOf(owner, 'r-1', ['sent'])).toMatchObject({ delivery: 'bounced' });
    } finally {
      await fault('off');
    }
  }, 90_000);
});
