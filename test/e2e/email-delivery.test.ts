/**
 * Email delivery through the whole local runtime (HTTP edge -> email-sends queue -> sender ->
 * the SES -> Resend -> SMTP chain), with exact counts across the three local outboxes:
 * - the same send request delivered 3 times (3 POSTs with one Idempotency-Key, and 3 copies of
 *   one queue message) -> one email each;
 * - a suppressed address -> no email, the ledger record closed with the reason;
 * - poison messages -> the DLQ (after maxReceiveCount), every valid message of the batch delivered once;
 * - a throttling storm at SES -> every message back on the queue with backoff, none dropped, none
 *   doubled, none dead-lettered; SES down -> every message delivered once through the Resend stand-in.
 * One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import type { EmailSendMessage } from '../../shared/email/send-request';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let sqs: SQSClient;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'mailer');
  sqs = new SQSClient(localClientConfig(runtime.endpoints.sqs));
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
  db = DynamoDBDocumentClient.from(raw);
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  raw?.destroy();
  await runtime?.stop();
});

/** Every message to `to` across the three local outboxes (SES, the Resend stand-in, the SMTP sink). */
const mailsTo = async (to: string) => {
  const store = async (outboxUrl: string) => (await fetch(new URL('/store', outboxUrl))).json();
  const [ses, resend, smtp] = await Promise.all([
    outbox(runtime),
    store(runtime.outboxes.resend) as Promise<{ emails: Array<{ to: string[]; subject: string }> }>,
    store(runtime.outboxes.smtp) as Promise<{ messages: Array<{ envelope: { to: string[] }; subject?: string }> }>,
  ]);
  return [
    ...ses.filter((m) => m.destination.to.includes(to)).map((m) => ({ via: 'ses', subject: m.subject })),
    ...resend.emails.filter((m) => m.to.includes(to)).map((m) => ({ via: 'resend', subject: m.subject })),
    ...smtp.messages.filter((m) => m.envelope.to.includes(to)).map((m) => ({ via: 'smtp', subject: m.subject })),
  ];
};
const settle = () => new Promise((r) => setTimeout(r, 2_500));
const coreTable = () => runtime.tables.core as string;
const queueUrl = () => runtime.queues['email-sends']?.url as string;
const ledgerState = async (workspaceId: string, key: string) =>
  (
    await db.send(
      new GetCommand({ TableName: coreTable(), Key: { pk: workspacePk(workspaceId), sk: emailSendSk(key) } }),
    )
  ).Item;

const send = (body: unknown, key?: string) =>
  fetch(`${runtime.url}/api/emails/send`, {
    method: 'POST',
    headers: as(owner, key ? { 'idempotency-key': key } : {}),
    body: JSON.stringify(body),
  });

const message = (to: string, key = `test#${randomUUID()}`): EmailSendMessage => ({
  workspaceId: owner.workspaceId,
  sendId: key,
  idempotencyKey: key,
  category: 'transactional',
  to,
  content: { subject: 'Queued hello', html: '<p>Hello {{ contact.email }}</p>' },
  context: { contact: { email: to }, workspace: { name: 'Test' } },
  attempt: 0,
});

describe('POST /api/emails/send', () => {
  it('answers 202 with one send id for one Idempotency-Key, and mails once for 3 requests', async () => {
    // Prepare
    const to = `once-${randomUUID().slice(0, 8)}@example.com`;
    const body = { to, subject: 'Hello {{ contact.email }}', html: '<p>Hi</p>', category: 'transactional' };
    // Act
    const answers = await Promise.all([send(body, 'k-1'), send(body, 'k-1'), send(body, 'k-1')]);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const ids = new Set(await Promise.all(answers.map(async (a) => (await json(a)).sendId)));
    expect(ids.size).toBe(1);
    await eventually(async () => ((await mailsTo(to)).length > 0 ? true : undefined));
    await settle();
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toEqual({ via: 'ses', subject: `Hello ${to}` });
    expect((await ledgerState(owner.workspaceId, 'api#client#k-1'))?.state).toBe('sent');
  });

  it('refuses an invalid recipient or category with 400', async () => {
    const bad = await send({ to: 'not-an-address', subject: 's', html: 'h', category: 'transactional' });
    expect(bad.status).toBe(400);
    const unknownCategory = await send({ to: 'a@example.com', subject: 's', html: 'h', category: 'bulk' });
    expect(unknownCategory.status).toBe(400);
  });

  it('mails nobody at a suppressed address and closes the send with the reason', async () => {
    // Prepare
    const to = `gone-${randomUUID().slice(0, 8)}@example.com`;
    await dynamoSuppressions(db, coreTable()).suppress(owner.workspaceId, to, 'hard-bounce', Date.now());
    // Act
    const answer = await send({ to, subject: 'Hi', html: '<p>Hi</p>', category: 'transactional' }, 'k-suppressed');
    // Assess
    expect(answer.status).toBe(202);
    const record = await eventually(async () => {
      const item = await ledgerState(owner.workspaceId, 'api#client#k-suppressed');
      return item?.state === 'closed' ? item : undefined;
    });
    expect(record.reason).toBe('suppressed: hard-bounce');
    expect(await mailsTo(to)).toHaveLength(0);
  });
});

describe('the email-sends queue', () => {
  it('sends one email for 3 deliveries of the same message', async () => {
    const to = `thrice-${randomUUID().slice(0, 8)}@example.com`;
    const body = JSON.stringify(message(to));
    await Promise.all(
      [1, 2, 3].map(() => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: body }))),
    );
    await eventually(async () => ((await mailsTo(to)).length > 0 ? true : undefined));
    await settle();
    expect(await mailsTo(to)).toHaveLength(1);
  });

  it('moves poison messages to the DLQ and delivers every valid one once', async () => {
    // Prepare: a 1 s visibility timeout (declared: 180 s), so 5 receives take seconds, not 15 minutes.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl(), Attributes: { VisibilityTimeout: '1' } }));
    const recipients = Array.from({ length: 4 }, (_, i) => `batch-${i}-${randomUUID().slice(0, 6)}@example.com`);
    const poison = ['not json at all', JSON.stringify({ workspaceId: 7, to: 'x' })];
    // Act
    await Promise.all([
      ...poison.map((b) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: b }))),
      ...recipients.map((to) =>
        sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: JSON.stringify(message(to)) })),
      ),
    ]);
    // Assess
    const dead: string[] = [];
    await eventually(async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runtime.queues['email-sends']?.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      for (const m of out.Messages ?? []) dead.push(m.Body ?? '');
      return dead.length >= poison.length ? true : undefined;
    }, 45_000);
    expect(dead.sort()).toEqual([...poison].sort());
    await settle();
    for (const to of recipients) expect(await mailsTo(to), to).toHaveLength(1);
  }, 60_000);
});

describe('provider faults (the local SES fault switch)', () => {
  const fault = (mode: string) => fetch(`${runtime.endpoints.ses}/_local/fault`, { method: 'PUT', body: mode });
  const queueAll = (recipients: string[]) =>
    Promise.all(
      recipients.map((to) =>
        sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: JSON.stringify(message(to)) })),
      ),
    );
  const deadLettered = async (recipients: string[]) => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.queues['email-sends']?.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    return (out.Messages ?? []).filter((m) => recipients.some((to) => m.Body?.includes(to)));
  };

  it('paces a throttling storm: every message comes back later, none dropped, doubled or dead-lettered', async () => {
    // Prepare
    const recipients = Array.from({ length: 6 }, (_, i) => `storm-${i}-${randomUUID().slice(0, 6)}@example.com`);
    expect((await fault('throttle')).ok).toBe(true);
    // Act: 3 s of throttling, then SES recovers.
    await queueAll(recipients);
    await new Promise((r) => setTimeout(r, 3_000));
    const duringStorm = (await Promise.all(recipients.map(mailsTo))).flat();
    await fault('off');
    // Assess
    expect(duringStorm).toEqual([]);
    await eventually(async () => {
      const counts = await Promise.all(recipients.map(async (to) => (await mailsTo(to)).length));
      return counts.every((c) => c > 0) ? true : undefined;
    }, 40_000);
    await settle();
    for (const to of recipients) expect(await mailsTo(to), to).toEqual([{ via: 'ses', subject: 'Queued hello' }]);
    expect(await deadLettered(recipients)).toEqual([]);
  }, 60_000);

  it('fails over to Resend while SES is down: every message delivered exactly once', async () => {
    // Prepare
    const recipients = Array.from({ length: 5 }, (_, i) => `failover-${i}-${randomUUID().slice(0, 6)}@example.com`);
    expect((await fault('fail')).ok).toBe(true);
    try {
      // Act
      await queueAll(recipients);
      // Assess
      await eventually(async () => {
        const counts = await Promise.all(recipients.map(async (to) => (await mailsTo(to)).length));
        return counts.every((c) => c > 0) ? true : undefined;
      }, 30_000);
      await settle();
      for (const to of recipients) expect(await mailsTo(to), to).toEqual([{ via: 'resend', subject: 'Queued hello' }]);
    } finally {
      await fault('off');
    }
  }, 60_000);
});
