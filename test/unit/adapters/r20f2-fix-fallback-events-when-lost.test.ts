// Review round 20: this test failed at ecf4a7e.
/**
 * DEFECT (MEDIUM): `fallbackEventsPublisher` could only swallow events both the bus and the queue
 * refused, so a caller that keeps its events for a retry (the contacts function: pending on the
 * contact item) could not use it, and answered 5xx whenever PutEvents failed. `whenLost: 'throw'`
 * makes it throw only when the queue fails too, with an error naming the events neither took.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { eventRules, functionNamed } from '../../../lib/definition';
import { eventBridgePublisher } from '../../../shared/adapters/eventbridge-events';
import {
  DomainEventsUnsentError,
  type FallbackLog,
  fallbackEventsPublisher,
} from '../../../shared/adapters/fallback-events';
import { sqsQueueSender } from '../../../shared/adapters/sqs-queue-sender';
import type { DomainEvent } from '../../../shared/crm/ports';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/unite-hub-dev-drip-steps';
const rule = eventRules.find((r) => r.name === 'campaign-triggers');
if (!rule) throw new Error('the campaign-triggers rule is declared');

const event = (i: number, type = 'contact.created'): DomainEvent => ({
  type,
  workspaceId: 'ws-1',
  occurredAt: '2026-03-01T10:00:00.000Z',
  detail: { eventId: `created-c-${i}`, contactId: `c-${i}` },
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

/** SQS refusing the entries `refuse` names (or throwing what it throws); records the bodies it took. */
function fakeSqs(refuse: (ids: string[]) => string[]) {
  const taken: string[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      const entries = command.input.Entries ?? [];
      const refused = refuse(entries.map((e) => e.Id as string));
      for (const e of entries) if (!refused.includes(e.Id as string)) taken.push(e.MessageBody as string);
      return { Successful: [], Failed: refused.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })) };
    },
  } as unknown as SQSClient;
  return { client, taken };
}

function publisher(sqs: SQSClient, whenLost?: 'throw' | 'log') {
  const lines: { level: string; message: string }[] = [];
  const emitted: string[] = [];
  const log: FallbackLog = {
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  const metrics = {
    singleMetric: () => ({ addMetric: (name: string) => emitted.push(name) }),
  } as unknown as Pick<Metrics, 'singleMetric'>;
  const events = fallbackEventsPublisher({
    bus: refusingBus,
    queue: async () => sqsQueueSender(sqs),
    targets: [{ rule: rule?.name as string, pattern: rule?.pattern as Record<string, unknown>, queueUrl: QUEUE }],
    account: '123456789012',
    region: 'eu-west-1',
    log,
    metrics,
    ...(whenLost ? { whenLost } : {}),
  });
  return { events, lines, emitted };
}

describe("fallbackEventsPublisher's whenLost: 'throw'", () => {
  it('resolves when the queue takes what the bus refused', async () => {
    const sqs = fakeSqs(() => []);
    const { events, emitted } = publisher(sqs.client, 'throw');
    await expect(events.publish([event(1), event(2, 'contact.tag_added')])).resolves.toBeUndefined();
    expect(sqs.taken).toHaveLength(2);
    expect(emitted).toEqual([]);
  });

  it('throws naming the events neither took (types and ids), without counting them lost', async () => {
    // Prepare: the queue refuses the second entry.
    const sqs = fakeSqs((ids) => ids.filter((id) => id === '1'));
    const { events, lines, emitted } = publisher(sqs.client, 'throw');
    // Act
    const thrown = await events.publish([event(1), event(2, 'contact.tag_added'), event(3)]).catch((e: unknown) => e);
    // Assess: the caller keeps them for its retry; the adapter does not call them lost.
    expect(thrown).toBeInstanceOf(DomainEventsUnsentError);
    const error = thrown as DomainEventsUnsentError;
    expect(error.events.map((e) => e.detail.eventId)).toEqual(['created-c-2']);
    expect(error.message).toContain('contact.tag_added created-c-2');
    expect(error.message).toContain('ResourceNotFoundException');
    expect(error.message).not.toContain('created-c-1');
    expect(error.cause).toBeInstanceOf(Error);
    expect(emitted).toEqual([]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('throws when the queue call itself fails', async () => {
    const sqs = fakeSqs(() => {
      throw new Error('QueueDoesNotExist');
    });
    const { events } = publisher(sqs.client, 'throw');
    await expect(events.publish([event(1)])).rejects.toThrow(/contact\.created created-c-1.*QueueDoesNotExist/s);
  });

  it("the default stays 'log': resolves, logs an error and counts DomainEventsLost", async () => {
    const sqs = fakeSqs((ids) => ids);
    const { events, lines, emitted } = publisher(sqs.client);
    await expect(events.publish([event(1)])).resolves.toBeUndefined();
    expect(lines.map((l) => l.level)).toEqual(['error']);
    expect(emitted).toEqual(['DomainEventsLost']);
  });
});

describe('the contacts function’s declaration', () => {
  it('may send to the queue of every rule on the domain-events bus (its fallback targets)', () => {
    const contacts = functionNamed('contacts');
    for (const r of eventRules.filter((e) => e.bus === 'domain-events')) {
      expect(contacts.queues[r.targetQueue], r.name).toBe('send');
    }
  });
});
