// Review round 21: this test failed at c5f6923.
/**
 * The class "a contact's pending domain events are published only by the contact's next write": a
 * create answered 503 EVENTS_UNAVAILABLE (the bus and the queue both down) and never retried, a write
 * that landed before its process died, an interaction whose events were kept on the contact: when the
 * contact is never written again, nothing published them, so a `contact.created` / `tag_added` /
 * `interaction` campaign never enrolled it. Now each such write puts the contact in a sparse, sharded
 * due index (gsi1) at its time plus a grace, the publish that empties it takes it out, and the
 * scheduled campaign sweeper publishes what is overdue, by the rule of every publisher
 * (`publishableOf`: stale events dropped, nothing while the contact is deleted), each event once.
 *
 * The real contacts and campaign-sweeper functions over the emulators; EVENT_BUS_NAME names no bus
 * (every entry refused: the queue fallback carries the events), the drip-steps queue is deleted while
 * "down". The sweeps run with the clock moved past the grace (only `Date` is faked, only then).
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
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { schedules } from '../../lib/definition';
import { buildEvent } from '../../lib/local/api-event';
import { scheduledEvent } from '../../lib/local/scheduler';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dripStepMessage } from '../../shared/campaigns/messages';
import { contactCreatedEvents, tagAddedEvents } from '../../shared/crm/contact-events';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';
import { ownerWithKey, type RefusedBusWorld, startRefusedBusWorld } from '../support/refused-bus-world';

const PREFIX = 'r21f1-';
const CORE = `${PREFIX}core`;
const DRIP_STEPS = `${PREFIX}drip-steps`;
/** Past any grace of "a few minutes" and the sweep's own period: the bound the fix states. */
const LATER_MS = 11 * 60_000;

let world: RefusedBusWorld;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let dripSteps: string;
type Result = { statusCode: number; body?: string; headers?: Record<string, string> };
type Handler = (event: unknown, context: Context) => Promise<Result>;
let api: Handler;
let sweeper: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  world = await startRefusedBusWorld(PREFIX, 'ERROR');
  ({ db, sqs, dripSteps } = world);
  ({ handler: api } = (await import('../../functions/contacts')) as unknown as { handler: Handler });
  ({ handler: sweeper } = (await import('../../functions/campaign-sweeper')) as unknown as {
    handler: typeof sweeper;
  });
}, 60_000);

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await world?.stop();
});

/** An owner of a new workspace and an API key carrying the owner's permissions. */
const signedIn = () => ownerWithKey(db, CORE, 'r21f1');

async function call(key: string, method: string, routeKey: string, url: string, body: unknown, id?: string) {
  const event = buildEvent(
    {
      method,
      url,
      headers: { host: 'localhost', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.23',
    },
    { routeKey, ...(id ? { pathParameters: { id } } : {}) },
    randomUUID(),
  );
  const context = { awsRequestId: randomUUID(), functionName: 'contacts', getRemainingTimeInMillis: () => 10_000 };
  const result = await api(event, context as unknown as Context);
  return {
    result,
    json: (result.body ? JSON.parse(result.body) : {}) as {
      contact?: { contactId: string };
      interaction?: { interactionId: string };
      code?: string;
    },
  };
}

const create = (key: string, body: unknown) => call(key, 'POST', 'POST /api/contacts', '/api/contacts', body);
const deleteContact = (key: string, contactId: string) =>
  call(key, 'DELETE', 'DELETE /api/contacts/{id}', `/api/contacts/${contactId}`, undefined, contactId);
const restore = (key: string, contactId: string) =>
  call(key, 'POST', 'POST /api/contacts/{id}/restore', `/api/contacts/${contactId}/restore`, undefined, contactId);
const record = (key: string, contactId: string, body: unknown) =>
  call(key, 'POST', 'POST /api/contacts/{id}/interactions', `/api/contacts/${contactId}/interactions`, body, contactId);

const down = () => sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
const up = async () =>
  expect((await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }))).QueueUrl).toBe(dripSteps);

/** The domain events on drip-steps now (deleted as read) about `contactId`: type and event id. */
async function drain(contactId: string): Promise<{ type: string; eventId: string }[]> {
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
  return all.flatMap((m) => {
    const parsed = dripStepMessage.parse(JSON.parse(m.Body as string));
    if (parsed.kind !== 'domain-event' || parsed.event.detail.contactId !== contactId) return [];
    return [{ type: parsed.event['detail-type'], eventId: String(parsed.event.detail.eventId) }];
  });
}

const pending = async (workspaceId: string, contactId: string) =>
  ((await dynamoContacts(db, CORE).getWithPending(workspaceId, contactId))?.pending ?? []).map((e) => ({
    type: e.type,
    eventId: String(e.detail.eventId),
  }));

const byId = (a: { eventId: string }, b: { eventId: string }) => a.eventId.localeCompare(b.eventId);

/**
 * One run of the scheduled campaign sweeper, as its declared schedule invokes it, `aheadMs` after now
 * (only `Date` moves). Answers whether the run failed.
 */
async function sweep(aheadMs: number): Promise<unknown> {
  const declared = schedules.find((s) => s.target === 'campaign-sweeper');
  if (!declared) throw new Error('no schedule targets campaign-sweeper');
  const at = new Date(Date.now() + aheadMs);
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  const context = {
    awsRequestId: randomUUID(),
    functionName: 'campaign-sweeper',
    getRemainingTimeInMillis: () => 60_000,
  };
  try {
    await sweeper(scheduledEvent(declared, at), context as unknown as Context);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    vi.useRealTimers();
  }
}

describe('r21f1: pending contact events no later write publishes are swept', () => {
  it('a create answered 503 EVENTS_UNAVAILABLE and never retried: the sweep publishes its events once, after the grace', async () => {
    // Prepare: the bus and the queue both down for the create.
    const { workspaceId, key } = await signedIn();
    await down();
    const failed = await create(key, { email: `a-${randomUUID()}@example.com`, tags: ['vip'] });
    await up();
    expect(failed.result.statusCode, failed.result.body).toBe(503);
    expect(failed.json.code).toBe('EVENTS_UNAVAILABLE');
    const contactId = (await dynamoContacts(db, CORE).list(workspaceId, {}, { limit: 5 })).contacts[0]
      ?.contactId as string;
    const left = await pending(workspaceId, contactId);
    expect(left.map((e) => e.type).sort()).toEqual(['contact.created', 'contact.tag_added']);
    // Act: a sweep within the grace (the writer may still be publishing), then one past it, then another.
    const early = await sweep(0);
    const earlyEvents = await drain(contactId);
    const late = await sweep(LATER_MS);
    const lateEvents = await drain(contactId);
    const again = await sweep(2 * LATER_MS);
    const againEvents = await drain(contactId);
    // Assess: the same ids, once, nothing pending any more.
    expect(early).toBeUndefined();
    expect(earlyEvents).toEqual([]);
    expect(late).toBeUndefined();
    expect(lateEvents.sort(byId)).toEqual(left.sort(byId));
    expect(again).toBeUndefined();
    expect(againEvents).toEqual([]);
    expect(await pending(workspaceId, contactId)).toEqual([]);
  });

  it('a create and a PATCH whose writes landed and whose processes died before publishing: the sweep publishes them', async () => {
    // Prepare: the store's writes as the use cases make them, with no publish after them.
    const { workspaceId } = await signedIn();
    const store = dynamoContacts(db, CORE);
    const at = new Date().toISOString();
    const contact: Contact = {
      contactId: randomUUID(),
      workspaceId,
      email: `b-${randomUUID()}@example.com`,
      status: 'lead',
      tags: ['webinar'],
      customFields: {},
      score: 0,
      tier: 'cold',
      createdAt: at,
      updatedAt: at,
    };
    const created = contactCreatedEvents(contact, randomUUID);
    await store.create(contact, { events: created });
    const added = tagAddedEvents(workspaceId, contact.contactId, contact.tags, ['webinar', 'trial'], at, randomUUID);
    await store.update(contact, { tags: ['webinar', 'trial'], updatedAt: at }, { events: added });
    // Act
    const failed = await sweep(LATER_MS);
    // Assess: every event of both writes, once.
    expect(failed).toBeUndefined();
    const expected = [...created, ...added].map((e: DomainEvent) => ({
      type: e.type,
      eventId: String(e.detail.eventId),
    }));
    expect((await drain(contact.contactId)).sort(byId)).toEqual(expected.sort(byId));
    expect(await pending(workspaceId, contact.contactId)).toEqual([]);
  });

  it('an interaction whose events were kept on its contact (bus and queue down): the sweep publishes them', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `c-${randomUUID()}@example.com` });
    expect(created.result.statusCode, created.result.body).toBe(201);
    const contactId = created.json.contact?.contactId as string;
    await drain(contactId);
    await down();
    const recorded = await record(key, contactId, { type: 'note' });
    await up();
    expect(recorded.result.statusCode, recorded.result.body).toBe(201);
    const kept = await pending(workspaceId, contactId);
    expect(kept.map((e) => e.type)).toContain('contact.interaction_recorded');
    // Act
    const failed = await sweep(LATER_MS);
    // Assess
    expect(failed).toBeUndefined();
    expect((await drain(contactId)).sort(byId)).toEqual(kept.sort(byId));
    expect(await pending(workspaceId, contactId)).toEqual([]);
  });

  it('a soft-deleted contact: nothing published while deleted; after a restore whose publish failed, the sweep publishes', async () => {
    // Prepare: a create whose events neither took, then deleted.
    const { workspaceId, key } = await signedIn();
    await down();
    const failed = await create(key, { email: `d-${randomUUID()}@example.com`, tags: ['trial'] });
    expect(failed.result.statusCode, failed.result.body).toBe(503);
    const contactId = (await dynamoContacts(db, CORE).list(workspaceId, {}, { limit: 5 })).contacts[0]
      ?.contactId as string;
    expect((await deleteContact(key, contactId)).result.statusCode).toBe(204);
    await up();
    const left = await pending(workspaceId, contactId);
    // Act: swept while deleted.
    const whileDeleted = await sweep(LATER_MS);
    // Assess: nothing published, the events wait with the contact.
    expect(whileDeleted).toBeUndefined();
    expect(await drain(contactId)).toEqual([]);
    expect((await pending(workspaceId, contactId)).sort(byId)).toEqual(left.sort(byId));

    // Act: restored while the bus and the queue are down (503, never retried), then swept.
    await down();
    const restored = await restore(key, contactId);
    await up();
    const afterRestore = await sweep(LATER_MS);
    // Assess
    expect(restored.result.statusCode, restored.result.body).toBe(503);
    expect(afterRestore).toBeUndefined();
    expect((await drain(contactId)).sort(byId)).toEqual(left.sort(byId));
    expect(await pending(workspaceId, contactId)).toEqual([]);
  });

  it('the bus and the queue still down at the sweep: the events stay pending and a later sweep publishes them once', async () => {
    // Prepare
    const { workspaceId, key } = await signedIn();
    await down();
    const failed = await create(key, { email: `e-${randomUUID()}@example.com` });
    expect(failed.result.statusCode, failed.result.body).toBe(503);
    const contactId = (await dynamoContacts(db, CORE).list(workspaceId, {}, { limit: 5 })).contacts[0]
      ?.contactId as string;
    const left = await pending(workspaceId, contactId);
    // Act: swept while still down, then once up.
    const stillDown = await sweep(LATER_MS);
    await up();
    const heldBack = await pending(workspaceId, contactId);
    const recovered = await sweep(2 * LATER_MS);
    const published = await drain(contactId);
    const again = await sweep(3 * LATER_MS);
    // Assess: the failed run says so; nothing lost; published once.
    expect(stillDown).toBeInstanceOf(Error);
    expect(heldBack.sort(byId)).toEqual(left.sort(byId));
    expect(recovered).toBeUndefined();
    expect(published.sort(byId)).toEqual(left.sort(byId));
    expect(again).toBeUndefined();
    expect(await drain(contactId)).toEqual([]);
    expect(await pending(workspaceId, contactId)).toEqual([]);
  });

  it('a kept event no longer true of the contact (a tier crossing it has left) is dropped unpublished by the sweep', async () => {
    // Prepare: a crossing into `hot` kept on a contact that is `cold`.
    const { workspaceId, key } = await signedIn();
    const created = await create(key, { email: `f-${randomUUID()}@example.com` });
    const contactId = created.json.contact?.contactId as string;
    await drain(contactId);
    const crossing: DomainEvent = {
      type: 'contact.score_threshold_crossed',
      workspaceId,
      occurredAt: new Date().toISOString(),
      detail: { eventId: `tier-${contactId}-1`, contactId, fromTier: 'warm', toTier: 'hot', score: 80 },
    };
    expect(await dynamoContacts(db, CORE).keepPending(workspaceId, contactId, [crossing])).toEqual([]);
    // Act
    const failed = await sweep(LATER_MS);
    // Assess
    expect(failed).toBeUndefined();
    expect(await drain(contactId)).toEqual([]);
    expect(await pending(workspaceId, contactId)).toEqual([]);
  });
});
