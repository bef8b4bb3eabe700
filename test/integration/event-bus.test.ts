/**
 * The local EventBridge endpoint against the real `@aws-sdk/client-eventbridge`: the SDK
 * must accept every answer (success, per-entry failures, whole-request errors) exactly as
 * it accepts the service's. Then the runtime wiring: the functions' environment points the
 * module-scope client at the local bus, and `runtime.events()` sees what they publish.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type LocalEventBus, localEventBusArn, startEventBus } from '../../lib/local/event-bus';
import { type Runtime, startRuntime } from '../../lib/local/runtime';
import { EventPublishError, eventBridgePublisher } from '../../shared/adapters/eventbridge-events';
import type { DomainEvent } from '../../shared/crm/ports';

const BUS = 'unite-hub-local-domain-events';

const event = (i: number, workspaceId = 'ws-1'): DomainEvent => ({
  type: 'contact.score_threshold_crossed',
  workspaceId,
  occurredAt: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  detail: { contactId: `c-${i}`, previousTier: 'warm', tier: 'hot', score: 81 },
});

describe('local EventBridge with the real SDK client', () => {
  let dataDir: string;
  let bus: LocalEventBus;
  let client: EventBridgeClient;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-bus-int-'));
    bus = await startEventBus({ dataDir, busName: BUS });
    client = new EventBridgeClient(localClientConfig(bus.endpoint));
  });

  afterAll(async () => {
    client?.destroy();
    await bus?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes domain events through eventBridgePublisher, in batches, each recorded once', async () => {
    // Act
    await eventBridgePublisher(client, BUS).publish(Array.from({ length: 23 }, (_, i) => event(i, 'ws-batch')));
    // Assess
    const recorded = bus.events({ workspaceId: 'ws-batch' });
    expect(recorded.map((e) => e.detail.contactId)).toEqual(Array.from({ length: 23 }, (_, i) => `c-${i}`));
    expect(new Set(recorded.map((e) => e.id)).size).toBe(23);
    expect(recorded[5]).toMatchObject({
      source: 'unite-hub',
      'detail-type': 'contact.score_threshold_crossed',
      time: '2026-03-01T10:00:05Z',
      eventBusName: BUS,
      detail: {
        workspaceId: 'ws-batch',
        occurredAt: '2026-03-01T10:00:05.000Z',
        contactId: 'c-5',
        previousTier: 'warm',
        tier: 'hot',
        score: 81,
      },
    });
  });

  it('returns the event ids the SDK parses, and per-entry error codes for refused entries', async () => {
    // Act
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS, Source: 'unite-hub', DetailType: 'x.ok', Detail: '{"workspaceId":"ws-sdk"}' },
          { EventBusName: BUS, Source: 'unite-hub', DetailType: 'x.bad', Detail: 'not json' },
          {
            EventBusName: localEventBusArn(BUS),
            Source: 'unite-hub',
            DetailType: 'x.arn',
            Detail: '{"workspaceId":"ws-sdk"}',
          },
        ],
      }),
    );
    // Assess
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(bus.events({ workspaceId: 'ws-sdk' }).map((e) => e['detail-type'])).toEqual(['x.ok', 'x.arn']);
  });

  it('makes the publisher throw with the error code when the bus does not exist', async () => {
    const error = await eventBridgePublisher(client, 'no-such-bus')
      .publish([event(1, 'ws-missing')])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).errorCodes).toEqual(['ResourceNotFoundException']);
    expect(bus.events({ workspaceId: 'ws-missing' })).toEqual([]);
  });

  it('surfaces a refused request as the SDK’s service exception, named by the error type', async () => {
    const error = (await client
      .send(
        new PutEventsCommand({
          Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })),
        }),
      )
      .catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('describes the declared bus', async () => {
    const out = await client.send(new DescribeEventBusCommand({ Name: BUS }));
    expect(out).toMatchObject({ Name: BUS, Arn: localEventBusArn(BUS) });
  });

  it('keeps what was published across a restart', async () => {
    // Prepare
    const before = bus.events().length;
    await bus.stop();
    // Act
    bus = await startEventBus({ dataDir, busName: BUS });
    client.destroy();
    client = new EventBridgeClient(localClientConfig(bus.endpoint));
    await eventBridgePublisher(client, BUS).publish([event(1, 'ws-after-restart')]);
    // Assess
    expect(bus.events()).toHaveLength(before + 1);
    expect(bus.events({ workspaceId: 'ws-batch' })).toHaveLength(23);
  });
});

describe('the local runtime’s bus', () => {
  let dataDir: string;
  let runtime: Runtime;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-bus-runtime-'));
    runtime = await startRuntime({ port: 0, dataDir, seed: false, log: () => undefined, pollWaitSeconds: 1 });
  });

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('points the functions’ module-scope client at it before they load, with the bus name', async () => {
    // Assess: the SDK's own variable, and the name shared/config.ts reads.
    expect(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(runtime.endpoints.eventBridge);
    expect(process.env.EVENT_BUS_NAME).toBe('unite-hub-local-domain-events');
    const { config } = await import('../../shared/config');
    expect(config.EVENT_BUS_NAME).toBe('unite-hub-local-domain-events');
    // Act: publish exactly as a function does, with the client created at module scope.
    const { eventBridge } = await import('../../shared/aws/eventbridge');
    await eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME as string).publish([event(7, 'ws-runtime')]);
    // Assess
    expect(runtime.events({ workspaceId: 'ws-runtime' })).toHaveLength(1);
    expect(runtime.events({ workspaceId: 'ws-runtime' })[0]?.eventBusName).toBe('unite-hub-local-domain-events');
  });

  it('still lists the recorded events after a restart on the same data directory', async () => {
    // Prepare
    const before = runtime.events({ workspaceId: 'ws-runtime' });
    expect(before).toHaveLength(1);
    await runtime.stop();
    // Act
    runtime = await startRuntime({ port: 0, dataDir, seed: false, log: () => undefined, pollWaitSeconds: 1 });
    // Assess
    expect(runtime.events({ workspaceId: 'ws-runtime' })).toEqual(before);
  });
});
