// Review round 20: this test failed at 5fa3bb3.
/**
 * DEFECT (MEDIUM): a domain event published after a commit by a request nothing retries (the
 * `emails` function's opens, clicks and unsubscribes) was lost when PutEvents failed: it was only
 * logged. `fallbackEventsPublisher` (shared/adapters/fallback-events.ts) now sends what the bus did
 * not take straight to the queues of its rules, in the envelope a rule delivers; only the refused
 * entries of a partial failure; an error log and the `DomainEventsLost` metric when that fails too.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient, PutEventsCommand, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { eventRules } from '../../../lib/definition';
import { eventBridgePublisher } from '../../../shared/adapters/eventbridge-events';
import {
  FALLBACK_EVENT_METRICS,
  type FallbackLog,
  fallbackEventsPublisher,
  queueAccount,
} from '../../../shared/adapters/fallback-events';
import { sqsQueueSender } from '../../../shared/adapters/sqs-queue-sender';
import { dripStepMessage } from '../../../shared/campaigns/messages';
import { eventContact } from '../../../shared/campaigns/trigger-from-event';
import type { DomainEvent } from '../../../shared/crm/ports';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/unite-hub-dev-drip-steps';
const rule = eventRules.find((r) => r.name === 'campaign-triggers');
if (!rule) throw new Error('the campaign-triggers rule is declared');

const event = (i: number, type = 'contact.interaction_recorded'): DomainEvent => ({
  type,
  workspaceId: 'ws-1',
  occurredAt: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}.250Z`,
  detail: { eventId: `interaction-${i}`, contactId: `c-${i}`, interactionType: 'email_opened' },
});

/** EventBridge answering `answer(count, call)` per PutEvents (or throwing what it throws). */
function fakeBus(answer: (count: number, call: number) => PutEventsResultEntry[]) {
  const calls: number[] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const count = command.input.Entries?.length ?? 0;
      calls.push(count);
      const entries = answer(count, calls.length);
      return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
    },
  } as unknown as EventBridgeClient;
  return { bus: eventBridgePublisher(client, 'the-bus'), calls };
}
const accepted = (n: number) => Array.from({ length: n }, (_, i) => ({ EventId: `id-${i}` }));
const unreachable = () => {
  throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
};

type Sent = { queue: string; bodies: string[] };
/** SQS recording each call; `answer` may throw or refuse entries by id. */
function fakeSqs(answer: (ids: string[], call: number) => string[] = () => []) {
  const sent: Sent[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand | SendMessageCommand) => {
      const input = command.input as {
        QueueUrl: string;
        Entries?: { Id: string; MessageBody: string }[];
        MessageBody?: string;
      };
      const entries = input.Entries ?? [{ Id: 'single', MessageBody: input.MessageBody as string }];
      sent.push({ queue: input.QueueUrl, bodies: entries.map((e) => e.MessageBody) });
      const refused = answer(
        entries.map((e) => e.Id),
        sent.length,
      );
      return {
        Successful: entries.filter((e) => !refused.includes(e.Id)).map((e) => ({ Id: e.Id })),
        Failed: refused.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false, Message: 'try again' })),
      };
    },
  } as unknown as SQSClient;
  return { client, sent };
}

function recorders() {
  const lines: { level: 'warn' | 'error'; message: string; fields: Record<string, unknown> }[] = [];
  const log: FallbackLog = {
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const emitted: { name: string; unit: string; value: number }[] = [];
  const metrics = {
    singleMetric: () => ({
      addMetric: (name: string, unit: string, value: number) => emitted.push({ name, unit, value }),
    }),
  } as unknown as Pick<Metrics, 'singleMetric'>;
  return { lines, log, emitted, metrics };
}

function publisher(bus: ReturnType<typeof fakeBus>['bus'], sqs: SQSClient, r: ReturnType<typeof recorders>) {
  let n = 0;
  return fallbackEventsPublisher({
    bus,
    queue: async () => sqsQueueSender(sqs),
    targets: [{ rule: rule?.name as string, pattern: rule?.pattern as Record<string, unknown>, queueUrl: QUEUE }],
    account: queueAccount(QUEUE),
    region: 'eu-west-1',
    log: r.log,
    metrics: r.metrics,
    newId: () => `env-${++n}`,
  });
}

const contactsOf = (sent: readonly Sent[]) =>
  sent.flatMap((s) => s.bodies).map((b) => (JSON.parse(b) as { detail: { contactId: string } }).detail.contactId);

describe('fallbackEventsPublisher', () => {
  it('sends nothing to the queue when the bus takes every event', async () => {
    const { bus } = fakeBus(accepted);
    const sqs = fakeSqs();
    const r = recorders();
    await publisher(bus, sqs.client, r).publish([event(1), event(2)]);
    expect(sqs.sent).toEqual([]);
    expect(r.lines).toEqual([]);
  });

  it('a bus that throws: every event to the rule’s queue as the envelope the rule delivers, in batches of 10', async () => {
    // Prepare
    const { bus, calls } = fakeBus(unreachable);
    const sqs = fakeSqs();
    const r = recorders();
    // Act
    await publisher(bus, sqs.client, r).publish(Array.from({ length: 23 }, (_, i) => event(i)));
    // Assess: the bus is tried once (the later batches go straight to the queue).
    expect(calls).toEqual([10]);
    expect(sqs.sent.map((s) => [s.queue, s.bodies.length])).toEqual([
      [QUEUE, 10],
      [QUEUE, 10],
      [QUEUE, 3],
    ]);
    expect(contactsOf(sqs.sent)).toEqual(Array.from({ length: 23 }, (_, i) => `c-${i}`));
    const first = sqs.sent[0]?.bodies[0] as string;
    expect(JSON.parse(first)).toEqual({
      version: '0',
      id: 'env-1',
      'detail-type': 'contact.interaction_recorded',
      source: 'unite-hub',
      account: '123456789012',
      time: '2026-03-01T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        workspaceId: 'ws-1',
        occurredAt: '2026-03-01T10:00:00.250Z',
        eventId: 'interaction-0',
        contactId: 'c-0',
        interactionType: 'email_opened',
      },
    });
    // The drip-steps consumer reads it as a domain event naming the contact.
    const parsed = dripStepMessage.parse(JSON.parse(first));
    expect(parsed.kind === 'domain-event' && eventContact(parsed.event)).toEqual({
      workspaceId: 'ws-1',
      contactId: 'c-0',
    });
    expect(r.lines.map((l) => l.level)).toEqual(['warn']);
    expect(r.lines[0]?.fields).toMatchObject({ error: 'connect ECONNREFUSED', rules: ['campaign-triggers'] });
    expect(r.emitted).toEqual([]);
  });

  it('a partial refusal: only the refused entries go to the queue', async () => {
    // Prepare: of 12 events, the first batch's 3rd and 6th entries and the second batch's 2nd are refused.
    const refuse = (count: number, call: number) =>
      accepted(count).map((e, i) =>
        (call === 1 && (i === 2 || i === 5)) || (call === 2 && i === 1) ? { ErrorCode: 'ThrottlingException' } : e,
      );
    const { bus, calls } = fakeBus(refuse);
    const sqs = fakeSqs();
    const r = recorders();
    // Act
    await publisher(bus, sqs.client, r).publish(Array.from({ length: 12 }, (_, i) => event(i)));
    // Assess: both batches were put; one SendMessageBatch with the three refused.
    expect(calls).toEqual([10, 2]);
    expect(contactsOf(sqs.sent)).toEqual(['c-2', 'c-5', 'c-11']);
    expect(sqs.sent).toHaveLength(1);
  });

  it('sends only what the rule would deliver (its pattern), whatever the bus refused', async () => {
    const { bus } = fakeBus(unreachable);
    const sqs = fakeSqs();
    const r = recorders();
    await publisher(bus, sqs.client, r).publish([
      event(1),
      event(2, 'contact.updated'),
      event(3, 'contact.score_threshold_crossed'),
    ]);
    expect(contactsOf(sqs.sent)).toEqual(['c-1', 'c-3']);
  });

  it('the queue fails too: resolves, logs an error with the event types and counts DomainEventsLost', async () => {
    // Prepare
    const { bus } = fakeBus(unreachable);
    const sqs = fakeSqs(() => {
      throw new Error('QueueDoesNotExist');
    });
    const r = recorders();
    // Act
    await expect(
      publisher(bus, sqs.client, r).publish([event(1), event(2, 'contact.score_threshold_crossed')]),
    ).resolves.toBeUndefined();
    // Assess
    expect(r.lines.map((l) => l.level)).toEqual(['error']);
    expect(r.lines[0]?.fields).toMatchObject({
      types: ['contact.interaction_recorded', 'contact.score_threshold_crossed'],
      eventIds: ['interaction-1', 'interaction-2'],
      fallbackErrors: ['campaign-triggers: QueueDoesNotExist'],
    });
    expect(r.emitted).toEqual([{ name: FALLBACK_EVENT_METRICS.lost, unit: 'Count', value: 2 }]);
  });

  it('the queue refuses one entry: only that event counts as lost', async () => {
    const { bus } = fakeBus((count) => accepted(count).map(() => ({ ErrorCode: 'InternalFailure' })));
    const sqs = fakeSqs((ids) => ids.filter((id) => id === '1'));
    const r = recorders();
    await publisher(bus, sqs.client, r).publish([event(1), event(2), event(3)]);
    expect(r.lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect(r.lines[1]?.fields).toMatchObject({ eventIds: ['interaction-2'] });
    expect(r.emitted).toEqual([{ name: FALLBACK_EVENT_METRICS.lost, unit: 'Count', value: 1 }]);
  });

  it('a message too big to share a batch goes alone', async () => {
    const { bus } = fakeBus(unreachable);
    const sqs = fakeSqs();
    const r = recorders();
    const big = { ...event(1), detail: { ...event(1).detail, note: 'x'.repeat(300 * 1024) } };
    await publisher(bus, sqs.client, r).publish([event(0), big, event(2)]);
    expect(sqs.sent.map((s) => s.bodies.length)).toEqual([1, 1, 1]);
    expect(contactsOf(sqs.sent)).toEqual(['c-0', 'c-1', 'c-2']);
  });
});

describe('the emails function’s declaration', () => {
  it('may send to the queue of every rule on the domain-events bus (its fallback targets)', async () => {
    const { functionNamed } = await import('../../../lib/definition');
    const emails = functionNamed('emails');
    for (const r of eventRules.filter((e) => e.bus === 'domain-events')) {
      expect(emails.queues[r.targetQueue], r.name).toBe('send');
    }
  });
});
