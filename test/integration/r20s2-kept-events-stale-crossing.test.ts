// Review round 20 second re-review (r20s2): events of an interaction kept on its contact
// (commit 14e5b73, shared/crm/contacts/pending-events.ts `event:<eventId>` slots) are published by
// the contact's next PATCH however much later, and treated as fresh.
/**
 * DEFECT (MEDIUM): a tier crossing kept on the contact (`contact.score_threshold_crossed`, kept when
 * neither EventBridge nor the drip-steps queue took it) is published by the contact's next PATCH
 * even when the contact has left that tier since: its score fell back (an unsubscribe, a bounce, a
 * decay) and the crossing down was published at the time. The late crossing reaches the campaign
 * triggers (trigger-from-event.ts enrols on `toTier` alone, never re-reading the contact), so a
 * `score-tier: <tier>` campaign (a "hot lead" alert, a sales sequence) enrols a contact that is no
 * longer in that tier, and the enrolments' waits see the tiers arrive out of order (down, then up).
 * The same commit's rule for tags (`isStale`: "a campaign is never started for a tag the contact no
 * longer has") has no counterpart for a kept crossing.
 * Root cause: shared/crm/contacts/use-cases.ts `publishPending` filters only with
 * shared/crm/contacts/pending-events.ts `isStale`, which knows `contact.tag_added` only.
 * Correct: a kept crossing whose `toTier` the contact (as read by the publishing write) no longer
 * holds is stale: dropped unpublished (as a stale tag_added is), so no campaign starts for a tier
 * the contact has left.
 *
 * Set-up as test/integration/r20r2-contacts-both-down-interaction.test.ts: the real contacts function
 * over the emulators, EVENT_BUS_NAME naming no bus (every entry refused), the drip-steps queue
 * deleted while the crossing interaction is recorded, created again afterwards.
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

const PREFIX = 'r20s2-';
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
const signedIn = () => ownerWithKey(db, CORE, 'r20s2');

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

type Recorded = {
  interaction: { interactionId: string };
  score: { tier: string; previousTier: string; score: number };
};

describe('r20s2: kept interaction events published late', () => {
  it('a kept tier crossing is published by a later PATCH although the contact has left that tier', async () => {
    // Prepare: a contact; then the queue goes away and interactions lift it out of `cold`.
    const { key } = await signedIn();
    const created = await create(key, { email: `k-${randomUUID()}@example.com` });
    expect(created.result.statusCode, created.result.body).toBe(201);
    const contactId = created.json?.contact.contactId as string;
    const record = async (type: string) => {
      const got = await call(
        key,
        'POST',
        'POST /api/contacts/{id}/interactions',
        `/api/contacts/${contactId}/interactions`,
        { type },
        contactId,
      );
      expect(got.result.statusCode, got.result.body).toBe(201);
      return JSON.parse(got.result.body ?? '{}') as Recorded;
    };
    await drain();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dripSteps }));
    let up: Recorded['score'] | undefined;
    for (let i = 0; i < 8 && !up; i++) {
      const r = await record('meeting');
      if (r.score.tier !== r.score.previousTier) up = r.score;
    }
    expect(up, 'no tier crossing after 8 meetings').toBeDefined();
    const keptTier = up?.tier as string;
    await sqs.send(new CreateQueueCommand({ QueueName: DRIP_STEPS }));
    // The score falls back below the tier (the crossing down is published at once: the queue is back).
    let down: Recorded['score'] | undefined;
    for (const type of ['unsubscribed', 'email_bounced', 'email_bounced', 'email_bounced']) {
      const r = await record(type);
      if (r.score.tier !== keptTier) {
        down = r.score;
        break;
      }
    }
    expect(down, 'the score did not fall back below the kept tier').toBeDefined();
    await drain();
    const read = await call(key, 'GET', 'GET /api/contacts/{id}', `/api/contacts/${contactId}`, undefined, contactId);
    const tierNow = (JSON.parse(read.result.body ?? '{}') as { contact: { tier: string } }).contact.tier;
    expect(tierNow).not.toBe(keptTier);

    // Act: the contact's next write, an ordinary PATCH.
    const patched = await call(
      key,
      'PATCH',
      'PATCH /api/contacts/{id}',
      `/api/contacts/${contactId}`,
      { firstName: 'Later' },
      contactId,
    );
    expect(patched.result.statusCode, patched.result.body).toBe(200);

    // Assess: no crossing into a tier the contact does not hold reaches the campaign triggers.
    const crossings = (await drain())
      .filter((m) => m.event['detail-type'] === 'contact.score_threshold_crossed')
      .map((m) => ({ toTier: m.event.detail.toTier, occurredAt: m.envelope.time }));
    expect(
      crossings.filter((c) => c.toTier !== tierNow),
      `contact is ${tierNow} now; crossings published by the PATCH: ${JSON.stringify(crossings)}`,
    ).toEqual([]);
  });
});
