// Review round 16: this test failed at e19efd2.
/**
 * `POST /api/ai/calls` stores the call record (queued) and then sends the queue message. When the
 * send fails the client gets a 5xx, yet the record stayed `queued` for good: nothing would ever
 * run it, and GET /api/ai/calls/{id} showed a call waiting forever (with an idempotency key, the
 * same until the client retried). Correct: a failed enqueue leaves no queued record behind
 * (GET: 404, as for a call never made), and a retry with the key queues the same call id.
 * On the embedded DynamoDB: the record's removal is conditional (only a call never claimed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import { dynamoIdempotency } from '../../shared/adapters/dynamo-idempotency';
import { type AiCallMessage, type AiCallRecord, type AiCallStore, queueAiCall } from '../../shared/ai/ai-call';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';
import { memorySettings } from '../unit/ai/fakes';

let dynamo: DynamoHarness;
let calls: AiCallStore;

beforeAll(async () => {
  dynamo = await startDynamo('r16aenq-');
  calls = dynamoAiResults(dynamo.db, dynamo.table('core'));
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
const at = new Date('2026-12-04T13:00:00.000Z');
const email = { agent: 'email-intent' as const, input: { subject: 'Demo?', body: 'Could we see a demo next week?' } };

/** The queue fails the next `failures` sends (SQS throttled, the network down), then delivers. */
function world(failures: number) {
  const sent: AiCallMessage[] = [];
  let left = failures;
  let ids = 0;
  const deps = {
    calls,
    usage: dynamoAiUsage(dynamo.db, dynamo.table('core')),
    idempotency: dynamoIdempotency(dynamo.db, dynamo.table('ephemeral'), () => at),
    settings: memorySettings(),
    now: () => at,
    newId: () => fresh(`id${++ids}`),
    contacts: { get: async () => undefined },
    interactions: { timeline: async () => ({ interactions: [] }) },
    queue: {
      async send(message: AiCallMessage) {
        if (left > 0) {
          left -= 1;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        sent.push(message);
      },
    },
  };
  return { deps, sent };
}

describe('queueing an AI call whose queue message cannot be sent', () => {
  it('leaves no call record queued forever (without an idempotency key)', async () => {
    const ws = fresh('ws');
    const w = world(1);
    const created: string[] = [];
    const deps = {
      ...w.deps,
      calls: {
        ...calls,
        create: async (record: AiCallRecord) => {
          created.push(record.callId);
          return calls.create(record);
        },
      },
    };
    await expect(queueAiCall({ workspaceId: ws, userId: 'u1' }, email, undefined, deps)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(created).toHaveLength(1);
    const record = await calls.get(ws, created[0] as string);
    // The client was told the call failed (5xx): no record waits for a message that was never sent.
    expect(record?.status === 'queued' ? 'queued for good' : 'gone or final').toBe('gone or final');
  });

  it('with a key, a retry after the failed send queues the same call once', async () => {
    const ws = fresh('ws');
    const w = world(1);
    const caller = { workspaceId: ws, userId: 'u1' };
    const key = fresh('key');
    await expect(queueAiCall(caller, email, key, w.deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const retried = await queueAiCall(caller, email, key, w.deps);
    expect(retried).toMatchObject({ status: 'queued', replayed: false });
    expect(w.sent).toEqual([{ workspaceId: ws, callId: retried.callId }]);
    expect(await calls.get(ws, retried.callId)).toMatchObject({ status: 'queued', attempts: 0 });
    const again = await queueAiCall(caller, email, key, w.deps);
    expect(again).toMatchObject({ callId: retried.callId, replayed: true });
  });

  it('removes only a call never claimed: one a delivery took (the message got through after all) stays', async () => {
    const ws = fresh('ws');
    const record = {
      workspaceId: ws,
      callId: fresh('call'),
      agent: 'email-intent' as const,
      request: email,
      status: 'queued' as const,
      createdAt: at.toISOString(),
      createdBy: 'u1',
      updatedAt: at.toISOString(),
      attempts: 0,
    };
    await calls.create(record);
    expect((await calls.claim(ws, record.callId, 'c1', at, new Date(at.getTime() + 60_000))).outcome).toBe('claimed');
    expect(await calls.discard(ws, record.callId)).toBe(false);
    expect(await calls.get(ws, record.callId)).toMatchObject({ status: 'running' });
    const other = { ...record, callId: fresh('call') };
    await calls.create(other);
    expect(await calls.discard(ws, other.callId)).toBe(true);
    expect(await calls.get(ws, other.callId)).toBeUndefined();
    expect(await calls.discard(ws, other.callId)).toBe(false);
  });
});
