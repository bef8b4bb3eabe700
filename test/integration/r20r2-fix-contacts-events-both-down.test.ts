// Review round 20: this test failed at 27bc9a0.
/**
 * The class "a write that landed answers an error that invites a non-idempotent retry": with the bus
 * and the queue both down, an interaction (keyed or not) answered 500 after its write, its events
 * kept nowhere, so the retry the 500 asked for recorded a second interaction when it had no key.
 * Now an interaction answers its 201 and keeps its events on its contact (`event:<eventId>` slots,
 * bounded), published by the contact's next PATCH with the same ids; the routes whose retry is safe
 * (create, PATCH, restore) answer 503 EVENTS_UNAVAILABLE with Retry-After, and their retry publishes
 * the same ids once.
 *
 * The real contacts function over the emulators; EVENT_BUS_NAME names no bus (every entry refused),
 * the drip-steps queue is deleted while "down" and created again for the recovery.
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
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { MAX_KEPT_BYTES, MAX_KEPT_EVENTS } from '../../shared/crm/contacts/pending-events';
import type { DomainEvent } from '../../shared/crm/ports';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { ownerWithKey, type RefusedBusWorld, startRefusedBusWorld } from '../support/refused-bus-world';

const PREFIX = 'r20r2fix-';
const CORE = `${PREFIX}core`;
const DRIP_STEPS = `${PREFIX}drip-steps`;

let world: RefusedBusWorld;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
let logs: LogTap;
type Result = { statusCode: number; body?: string; headers?: Record<string, string> };
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
const signedIn = () => ownerWithKey(db, CORE, 'r20r2fix');

type Answer = {
  contact?: { contactId: string };
  interaction?: { interactionId: string };
  score?: { tier: string; previousTier: string };
  code?: string;
};

async function call(
  key: string,
  method: string,
  routeKey: string,
  url: string,
  body: unknown,
  id?: string,
  headers: Record<string, string> = {},
) {
  const requestId = randomUUID();
  const event = buildEvent(
    {
      method,
      url,
      headers: {
        host: 'localhost',
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.22',
    },
    { routeKey, ...(id ? { pathParameters: { id } } : {}) },
    requestId,
  );
  const context = { awsRequestId: randomUUID(), functionName: 'contacts', getRemainingTimeInMillis: () => 10_000 };
  const result = await api(event, context as unknown as Context);
  return { result, json: (result.body ? JSON.parse(result.body) : {}) as Answer, requestId };
}

const create = (key: string, body: unknown) => call(key, 'POST', 'POST /api/contacts', '/api/contacts', body);
const patch = (key: string, contactId: string, body: unknown) =>
  call(key, 'PATCH', 'PATCH /api/contacts/{id}', `/api/contacts/${contactId}`, body, contactId);
const record = (key: string, contactId: string, body: unknown, headers?: Record<string, string>) =>
  call(
    key,
    'POST',
    'POST /api/contacts/{id}/interactions',
    `/api/contacts/${contactId}/interactions`,
    body,
    contactId,
    headers,
  );

const down = () => sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
const up = async () =>
  expect((await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }))).QueueUrl).toBe(dripSteps);

/** Every domain event on drip-steps now (deleted as read): its type and detail. */
async function drain(): Promise<{ type: string; detail: Record<string, unknown> }[]> {
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
    const parsed = dripStepMessage.parse(JSON.parse(m.Body as string));
    if (parsed.kind !== 'domain-event') throw new Error(`not a domain event: ${m.Body}`);
    return { type: parsed.event['detail-type'], detail: parsed.event.detail };
  });
}

const pendingIds = async (workspaceId: string, contactId: string) =>
  ((await dynamoContacts(db, CORE).getWithPending(workspaceId, contactId))?.pending ?? []).map((e) =>
    String(e.detail.eventId),
  );

const timelineTypes = async (key: string, contactId: string) => {
  const got = await call(
    key,
    'GET',
    'GET /api/contacts/{id}/timeline',
    `/api/contacts/${contactId}/timeline`,
    undefined,
    contactId,
  );
  return ((JSON.parse(got.result.body ?? '{}') as { interactions?: { type: string }[] }).interactions ?? []).map(
    (i) => i.type,
  );
};

describe('r20r2-fix: an interaction when the bus and the queue both fail', () => {
  it('answers 201 keeping its events (and its tier crossing) on the contact; the next PATCH publishes them once', async () => {
    // Prepare: a contact whose profile makes its first scored interaction cross a tier.
    const { workspaceId, key } = await signedIn();
    const created = await create(key, {
      email: `k-${randomUUID()}@example.com`,
      jobTitle: 'VP Sales',
      company: 'Acme',
      phone: '+14155550100',
    });
    expect(created.result.statusCode, created.result.body).toBe(201);
    const contactId = created.json.contact?.contactId as string;
    await drain();
    await down();
    // Act
    const recorded = await record(key, contactId, { type: 'meeting' });
    // Assess: answered as recorded; its events wait on the contact, named in a warning.
    expect(recorded.result.statusCode, recorded.result.body).toBe(201);
    const interactionId = recorded.json.interaction?.interactionId as string;
    const crossed = recorded.json.score?.tier !== recorded.json.score?.previousTier;
    expect(crossed, recorded.result.body).toBe(true);
    const kept = await pendingIds(workspaceId, contactId);
    expect(kept).toContain(`interaction-${interactionId}`);
    expect(kept.some((id) => id.startsWith(`tier-${contactId}-`))).toBe(true);
    expect(logs.linesFor(recorded.requestId).join('\n')).toContain('kept pending for a later publish');

    // Act: the queue is back; the contact's next write publishes what it holds.
    await up();
    const patched = await patch(key, contactId, { firstName: 'Ada' });
    // Assess: the same ids, once, and nothing pending any more; one interaction on the timeline.
    expect(patched.result.statusCode, patched.result.body).toBe(200);
    const delivered = (await drain()).map((e) => String(e.detail.eventId));
    expect(delivered.sort()).toEqual([...kept].sort());
    expect(await pendingIds(workspaceId, contactId)).toEqual([]);
    expect(await timelineTypes(key, contactId)).toEqual(['meeting']);
  });

  it('a keyed interaction answers 201 too; its retry with the same key replays it (one interaction)', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `l-${randomUUID()}@example.com` });
    const contactId = created.json.contact?.contactId as string;
    await drain();
    await down();
    const headers = { 'idempotency-key': `key-${randomUUID()}` };
    // Act
    const first = await record(key, contactId, { type: 'form_submit' }, headers);
    await up();
    const again = await record(key, contactId, { type: 'form_submit' }, headers);
    // Assess
    expect(first.result.statusCode, first.result.body).toBe(201);
    expect(again.result.statusCode, again.result.body).toBe(201);
    expect(again.json.interaction?.interactionId).toBe(first.json.interaction?.interactionId);
    expect(await timelineTypes(key, contactId)).toEqual(['form_submit']);
    expect(await pendingIds(workspaceId, contactId)).toContain(`interaction-${first.json.interaction?.interactionId}`);
    await drain();
  });
});

describe('r20r2-fix: the contact writes whose retry is safe, when the bus and the queue both fail', () => {
  it('a PATCH adding a tag answers 503 EVENTS_UNAVAILABLE with Retry-After; its retry publishes the same id once', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `m-${randomUUID()}@example.com` });
    const contactId = created.json.contact?.contactId as string;
    await drain();
    await down();
    // Act
    const failed = await patch(key, contactId, { tags: ['webinar'] });
    await up();
    const retried = await patch(key, contactId, { tags: ['webinar'] });
    // Assess
    expect(failed.result.statusCode).toBe(503);
    expect(failed.json.code).toBe('EVENTS_UNAVAILABLE');
    expect(Number(failed.result.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(retried.result.statusCode, retried.result.body).toBe(200);
    const delivered = await drain();
    expect(delivered.map((e) => e.detail.tag)).toEqual(['webinar']);
    expect(await pendingIds(workspaceId, contactId)).toEqual([]);
  });

  it('a restore whose pending events neither took answers 503; its retry answers 200 and publishes them', async () => {
    // Prepare: a contact whose tag event is still pending (its create failed to publish), deleted.
    const { workspaceId, key } = await signedIn();
    await down();
    const failed = await create(key, { email: `n-${randomUUID()}@example.com`, tags: ['trial'] });
    expect(failed.result.statusCode).toBe(503);
    const contactId = (await dynamoContacts(db, CORE).list(workspaceId, {}, { limit: 5 })).contacts[0]
      ?.contactId as string;
    const deleted = await call(
      key,
      'DELETE',
      'DELETE /api/contacts/{id}',
      `/api/contacts/${contactId}`,
      undefined,
      contactId,
    );
    expect(deleted.result.statusCode, deleted.result.body).toBe(204);
    const restore = () =>
      call(key, 'POST', 'POST /api/contacts/{id}/restore', `/api/contacts/${contactId}/restore`, undefined, contactId);
    // Act
    const first = await restore();
    await up();
    const retried = await restore();
    // Assess
    expect(first.result.statusCode).toBe(503);
    expect(first.json.code).toBe('EVENTS_UNAVAILABLE');
    expect(retried.result.statusCode, retried.result.body).toBe(200);
    expect((await drain()).map((e) => e.type).sort()).toEqual(['contact.created', 'contact.tag_added']);
    expect(await pendingIds(workspaceId, contactId)).toEqual([]);
  });
});

describe('r20r2-fix: the bound of the events kept on a contact', () => {
  const interactionEvent = (workspaceId: string, contactId: string, i: number, pad = ''): DomainEvent => ({
    type: 'contact.interaction_recorded',
    workspaceId,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    detail: { eventId: `interaction-b-${i}`, contactId, interactionId: `b-${i}`, interactionType: 'note', pad },
  });

  it(`keeps at most ${MAX_KEPT_EVENTS} events and ${MAX_KEPT_BYTES} bytes; a second keep of the same is a no-op`, async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `o-${randomUUID()}@example.com` });
    const contactId = created.json.contact?.contactId as string;
    await drain();
    const store = dynamoContacts(db, CORE);
    const many = Array.from({ length: MAX_KEPT_EVENTS + 5 }, (_, i) => interactionEvent(workspaceId, contactId, i));
    // Act
    const over = await store.keepPending(workspaceId, contactId, many);
    const again = await store.keepPending(workspaceId, contactId, many.slice(0, 3));
    // Assess
    expect(over.map((e) => e.detail.eventId)).toEqual(many.slice(MAX_KEPT_EVENTS).map((e) => e.detail.eventId));
    expect(again).toEqual([]);
    expect(await pendingIds(workspaceId, contactId)).toHaveLength(MAX_KEPT_EVENTS);
    // Act: published, the room is back; large events fill it by bytes first.
    await store.published(workspaceId, contactId, many.slice(0, MAX_KEPT_EVENTS));
    const large = Array.from({ length: 6 }, (_, i) =>
      interactionEvent(workspaceId, contactId, 100 + i, 'x'.repeat(8000)),
    );
    const overBytes = await store.keepPending(workspaceId, contactId, large);
    // Assess
    expect(overBytes.length).toBeGreaterThan(0);
    expect((await pendingIds(workspaceId, contactId)).length).toBe(large.length - overBytes.length);
    expect(await store.keepPending(workspaceId, 'no-such-contact', large.slice(0, 1))).toHaveLength(1);
  });

  it('concurrent keeps on one contact stay within the bound', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `p-${randomUUID()}@example.com` });
    const contactId = created.json.contact?.contactId as string;
    await drain();
    const store = dynamoContacts(db, CORE);
    // Act: 6 keeps of 5 events each at once.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, k) =>
        store.keepPending(
          workspaceId,
          contactId,
          Array.from({ length: 5 }, (_, i) => interactionEvent(workspaceId, contactId, k * 5 + i)),
        ),
      ),
    );
    // Assess: what each answered not kept plus what is held is every event, and the held ones within the bound.
    const held = await pendingIds(workspaceId, contactId);
    expect(held.length).toBeLessThanOrEqual(MAX_KEPT_EVENTS);
    expect(held.length + answers.flat().length).toBe(30);
  });
});
