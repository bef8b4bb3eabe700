// Review round 20: this test failed at 27bc9a0.
/**
 * With the bus and the queue both down, a request whose retry is not safe (an interaction without a
 * key records a second one) could only throw (its write landed, its events kept nowhere) or lose
 * them. `whenLost: { keep }` hands them to the caller's keeper (the contact's outbox) and resolves;
 * what it cannot keep is logged and counted lost, never thrown. The HTTP edge answers a thrown
 * DomainEventsUnsentError 503 EVENTS_UNAVAILABLE with Retry-After, not 500 INTERNAL.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { eventRules } from '../../../lib/definition';
import { eventBridgePublisher } from '../../../shared/adapters/eventbridge-events';
import {
  DomainEventsUnsentError,
  type FallbackLog,
  fallbackEventsPublisher,
  type WhenLost,
} from '../../../shared/adapters/fallback-events';
import { sqsQueueSender } from '../../../shared/adapters/sqs-queue-sender';
import { keepOnTheirContacts } from '../../../shared/crm/contacts/pending-events';
import type { DomainEvent } from '../../../shared/crm/ports';
import { errorResult } from '../../../shared/http/error-response';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/unite-hub-dev-drip-steps';
const rule = eventRules.find((r) => r.name === 'campaign-triggers');
if (!rule) throw new Error('the campaign-triggers rule is declared');

const event = (i: number, contactId: string | null = `c-${i}`): DomainEvent => ({
  type: 'contact.interaction_recorded',
  workspaceId: 'ws-1',
  occurredAt: '2026-03-01T10:00:00.000Z',
  detail: { eventId: `interaction-${i}`, ...(contactId ? { contactId } : {}), interactionType: 'note' },
});

const refusingBus = eventBridgePublisher(
  {
    send: async (command: PutEventsCommand) => ({
      FailedEntryCount: command.input.Entries?.length ?? 0,
      Entries: (command.input.Entries ?? []).map(() => ({ ErrorCode: 'ResourceNotFoundException' })),
    }),
  } as unknown as EventBridgeClient,
  'the-bus',
);
const downQueue = {
  send: async () => {
    throw new Error('QueueDoesNotExist');
  },
} as unknown as SQSClient;

function publisher(whenLost: WhenLost) {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const emitted: { name: string; value: number }[] = [];
  const log: FallbackLog = {
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const metrics = {
    singleMetric: () => ({ addMetric: (name: string, _unit: unknown, value: number) => emitted.push({ name, value }) }),
  } as unknown as Pick<Metrics, 'singleMetric'>;
  const events = fallbackEventsPublisher({
    bus: refusingBus,
    queue: async () => sqsQueueSender(downQueue),
    targets: [{ rule: rule?.name as string, pattern: rule?.pattern as Record<string, unknown>, queueUrl: QUEUE }],
    account: '123456789012',
    region: 'eu-west-1',
    log,
    metrics,
    whenLost,
  });
  return { events, lines, emitted };
}

describe("fallbackEventsPublisher's whenLost: { keep }", () => {
  it('hands what neither took to keep and resolves; counts kept and lost apart', async () => {
    // Prepare: the keeper keeps all but the second.
    const handed: string[] = [];
    const { events, lines, emitted } = publisher({
      keep: async (unsent) => {
        handed.push(...unsent.map((e) => String(e.detail.eventId)));
        return unsent.filter((e) => e.detail.eventId === 'interaction-2');
      },
    });
    // Act
    await expect(events.publish([event(1), event(2), event(3)])).resolves.toBeUndefined();
    // Assess
    expect(handed).toEqual(['interaction-1', 'interaction-2', 'interaction-3']);
    expect(emitted).toEqual([
      { name: 'DomainEventsKept', value: 2 },
      { name: 'DomainEventsLost', value: 1 },
    ]);
    const error = lines.find((l) => l.level === 'error');
    expect(error?.fields.eventIds).toEqual(['interaction-2']);
  });

  it('a keeper that throws loses them all, logged and counted, and publish still resolves', async () => {
    const { events, lines, emitted } = publisher({
      keep: async () => {
        throw new Error('DynamoDB down too');
      },
    });
    await expect(events.publish([event(1), event(2)])).resolves.toBeUndefined();
    expect(emitted).toEqual([{ name: 'DomainEventsLost', value: 2 }]);
    expect(JSON.stringify(lines.find((l) => l.level === 'error')?.fields)).toContain('DynamoDB down too');
  });
});

describe('keepOnTheirContacts', () => {
  it('keeps each event on the contact it names, one call per contact; one naming none is not kept', async () => {
    // Prepare
    const calls: { contactId: string; ids: unknown[] }[] = [];
    const keep = keepOnTheirContacts({
      keepPending: async (_ws, contactId, events) => {
        calls.push({ contactId, ids: events.map((e) => e.detail.eventId) });
        return [];
      },
    });
    const orphan = event(9, null);
    // Act
    const notKept = await keep([event(1, 'a'), event(2, 'b'), event(3, 'a'), orphan]);
    // Assess
    expect(calls).toEqual([
      { contactId: 'a', ids: ['interaction-1', 'interaction-3'] },
      { contactId: 'b', ids: ['interaction-2'] },
    ]);
    expect(notKept).toEqual([orphan]);
  });
});

describe('the error mapping of DomainEventsUnsentError', () => {
  it('is 503 EVENTS_UNAVAILABLE with Retry-After, its internal message not shown', () => {
    const thrown = new DomainEventsUnsentError('contact.created created-c-1 (bus: x; queues: y)', [event(1)]);
    const result = errorResult(thrown, 'r-1');
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ code: 'EVENTS_UNAVAILABLE', requestId: 'r-1' });
    expect(JSON.stringify(result.body)).not.toContain('created-c-1');
    expect(Number(result.headers?.['retry-after'])).toBeGreaterThan(0);
  });
});
