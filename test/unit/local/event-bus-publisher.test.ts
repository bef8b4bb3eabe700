import type { EventBridgeClient, PutEventsCommand, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EventPublishError, eventBridgePublisher } from '../../../shared/adapters/eventbridge-events';
import type { DomainEvent } from '../../../shared/crm/ports';

/** A client that records each PutEvents input and answers with `answer(entries)`. */
function fakeClient(answer: (count: number, call: number) => PutEventsResultEntry[] = (n) => okEntries(n)) {
  const calls: PutEventsCommand['input'][] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      calls.push(command.input);
      const entries = answer(command.input.Entries?.length ?? 0, calls.length);
      return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}
const okEntries = (n: number) => Array.from({ length: n }, (_, i) => ({ EventId: `id-${i}` }));

const event = (i: number): DomainEvent => ({
  type: 'contact.score_threshold_crossed',
  workspaceId: 'ws-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  detail: { contactId: `c-${i}`, tier: 'hot' },
});

describe('eventBridgePublisher', () => {
  it('puts each event on the bus with source unite-hub, its type as detail type and a self-contained detail', async () => {
    // Prepare
    const { client, calls } = fakeClient();
    // Act
    await eventBridgePublisher(client, 'the-bus').publish([event(1)]);
    // Assess
    expect(calls).toEqual([
      {
        Entries: [
          {
            EventBusName: 'the-bus',
            Source: 'unite-hub',
            DetailType: 'contact.score_threshold_crossed',
            Time: new Date('2026-01-01T00:00:00.000Z'),
            Detail: JSON.stringify({
              workspaceId: 'ws-1',
              occurredAt: '2026-01-01T00:00:00.000Z',
              contactId: 'c-1',
              tier: 'hot',
            }),
          },
        ],
      },
    ]);
  });

  it('sends batches of at most 10, in order, and nothing for no events', async () => {
    const { client, calls } = fakeClient();
    const publisher = eventBridgePublisher(client, 'the-bus');
    await publisher.publish([]);
    await publisher.publish(Array.from({ length: 23 }, (_, i) => event(i)));
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.flatMap((c) => c.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}').contactId)).toEqual(
      Array.from({ length: 23 }, (_, i) => `c-${i}`),
    );
  });

  it('throws when any entry is refused, naming the error codes, and sends no later batch', async () => {
    // Prepare: the second batch has two refused entries.
    const { client, calls } = fakeClient((n, call) =>
      call === 2
        ? [
            { EventId: 'a' },
            { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
            { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
            ...okEntries(n - 3),
          ]
        : okEntries(n),
    );
    // Act
    const error = await eventBridgePublisher(client, 'the-bus')
      .publish(Array.from({ length: 25 }, (_, i) => event(i)))
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).errorCodes).toEqual(['ThrottlingException', 'InternalFailure']);
    expect((error as Error).message).toMatch(/refused 2 of 10 events on the-bus: ThrottlingException: Rate exceeded/);
    expect(calls).toHaveLength(2);
  });
});
