// Review round 20 re-review (r20r2): the contacts function's `whenLost: 'throw'` fallback
// (commit 27bc9a0) when EventBridge and the drip-steps queue both fail.
/**
 * DEFECT 1 (MEDIUM): an interaction recorded without a key (`POST /api/contacts/{id}/interactions`
 * with no Idempotency-Key and no interactionId) is stored and scored, then its publish throws
 * `DomainEventsUnsentError` and the request answers 500. Unlike a contact's own events, the
 * interaction's `contact.interaction_recorded` is kept nowhere (no outbox slot, no DomainEventsLost
 * count): the documented remedy ("the request fails, its events kept pending for the retry") is a
 * retry of the request, and that retry records a SECOND interaction (a new id: a duplicate timeline
 * entry and the points awarded twice). If the client does not retry, the event is lost silently.
 * Root cause: functions/contacts.ts wires one publisher `requestEventsPublisher('throw')` for every
 * route, and shared/crm/contacts/record-interaction.ts `recordInteraction` publishes after the
 * write with nothing keeping the event when the caller holds no key.
 * Correct: one request records one interaction: a keyless interaction whose write landed answers
 * its 201 (its event kept on the contact's outbox, pending-events.ts already has `event:<eventId>`
 * slots, or counted lost as the 'log' mode does), so the 5xx never invites a duplicate.
 *
 * DEFECT 2 (LOW): the failure is answered 500 `INTERNAL` ("an unexpected error occurred, quote the
 * request id when you report it") with no Retry-After, although the write landed and the documented
 * remedy is to retry; before the fallback, a throttled PutEvents was answered 503 STORE_THROTTLED
 * with Retry-After (shared/http/error-response.ts `overloadOf`), now wrapped in
 * DomainEventsUnsentError it is a 500. Root cause: shared/adapters/fallback-events.ts throws a plain
 * Error subclass that shared/http/error-response.ts `errorResult` maps to 500.
 * Correct: 503 (`ServiceUnavailableError`) with Retry-After, as for other outages.
 *
 * Set-up as test/integration/r20f2-fix-contacts-event-fallback.test.ts: the real contacts function
 * over the emulators, EVENT_BUS_NAME naming no bus (every entry refused), the drip-steps queue
 * deleted for the failing attempt and created again before the retry.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../lib/local/api-event';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { ownerWithKey, type RefusedBusWorld, startRefusedBusWorld } from '../support/refused-bus-world';

const PREFIX = 'r20r2-';
const CORE = `${PREFIX}core`;
const DRIP_STEPS = `${PREFIX}drip-steps`;

let world: RefusedBusWorld;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
let logs: LogTap;
type Result = { statusCode: number; body?: string };
type Handler = (event: unknown, context: Context) => Promise<Result>;
let api: Handler;

beforeAll(async () => {
  world = await startRefusedBusWorld(PREFIX);
  ({ db, sqs, dripSteps } = world);
  logs = tapFunctionLogs();
  ({ handler: api } = (await import('../../functions/contacts')) as unknown as { handler: Handler });
}, 60_000);

afterAll(async () => {
  logs?.stop();
  await world?.stop();
});

/** An owner of a new workspace and an API key carrying the owner's permissions. */
const signedIn = () => ownerWithKey(db, CORE, 'r20r2');

/** A request through the function's edge; answers the result, its JSON and the request id. */
async function call(key: string, method: string, routeKey: string, url: string, body: unknown, id?: string) {
  const requestId = randomUUID();
  const event = buildEvent(
    {
      method,
      url,
      headers: { host: 'localhost', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.21',
    },
    { routeKey, ...(id ? { pathParameters: { id } } : {}) },
    requestId,
  );
  const context = { awsRequestId: randomUUID(), functionName: 'contacts', getRemainingTimeInMillis: () => 10_000 };
  const result = await api(event, context as unknown as Context);
  return {
    result,
    json: result.body ? (JSON.parse(result.body) as { contact: { contactId: string } }) : undefined,
    requestId,
  };
}

const create = (key: string, body: unknown) => call(key, 'POST', 'POST /api/contacts', '/api/contacts', body);

/** Every message on drip-steps now (deleted as read), parsed as the drip-step worker reads them. */
async function drain() {
  const all: Message[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dripSteps, MaxNumberOfMessages: 10 }));
    const messages = got.Messages ?? [];
    if (messages.length === 0) break;
    all.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dripSteps,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
  return all.map((m) => {
    const body = JSON.parse(m.Body as string) as Record<string, unknown>;
    const parsed = dripStepMessage.parse(body);
    if (parsed.kind !== 'domain-event') throw new Error(`not a domain event: ${m.Body}`);
    return { envelope: body, event: parsed.event };
  });
}

const interactionsOf = async (key: string, contactId: string) => {
  const got = await call(
    key,
    'GET',
    'GET /api/contacts/{id}/timeline',
    `/api/contacts/${contactId}/timeline`,
    undefined,
    contactId,
  );
  return (
    (JSON.parse(got.result.body ?? '{}') as { interactions?: { interactionId: string; type: string }[] })
      .interactions ?? []
  );
};

describe('r20r2: the contacts function when the bus and the queue both fail', () => {
  it('a keyless interaction answered 5xx is recorded twice by the retry the 5xx asks for', async () => {
    // Prepare: a contact, then the queue goes away too.
    const { key } = await signedIn();
    const created = await create(key, { email: `i-${randomUUID()}@example.com` });
    expect(created.result.statusCode, created.result.body).toBe(201);
    const contactId = created.json?.contact.contactId as string;
    await drain();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
    const record = () =>
      call(
        key,
        'POST',
        'POST /api/contacts/{id}/interactions',
        `/api/contacts/${contactId}/interactions`,
        { type: 'form_submit' },
        contactId,
      );
    // Act: the first attempt fails after its write; the client retries once the queue is back.
    const first = await record();
    let retried: Awaited<ReturnType<typeof record>> | undefined;
    if (first.result.statusCode >= 500) {
      expect((await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }))).QueueUrl).toBe(dripSteps);
      retried = await record();
    } else {
      await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }));
    }
    // Assess: one request, one interaction.
    const interactions = (await interactionsOf(key, contactId)).filter((i) => i.type === 'form_submit');
    expect(
      interactions,
      `first attempt answered ${first.result.statusCode}${retried ? `, the retry ${retried.result.statusCode}` : ''}`,
    ).toHaveLength(1);
    await drain();
  });

  it('a write that landed but whose events neither took is answered 503 with Retry-After, not 500 INTERNAL', async () => {
    // Prepare
    const { key } = await signedIn();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
    // Act
    const failed = await create(key, { email: `j-${randomUUID()}@example.com` });
    await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }));
    // Assess
    const body = JSON.parse(failed.result.body ?? '{}') as { code?: string };
    const headers = (failed.result as { headers?: Record<string, string> }).headers ?? {};
    expect({
      status: failed.result.statusCode,
      code: body.code,
      retryAfter: headers['retry-after'] !== undefined,
    }).toEqual({
      status: 503,
      code: expect.any(String),
      retryAfter: true,
    });
    expect(body.code).not.toBe('INTERNAL');
    await drain();
  });
});
