/**
 * Review round 21 (r21e): a domain event carrying contact text SQS refuses (a tag holding U+FFFF;
 * tags accept any character) still reaches its rule's queue, and the events after it too. The
 * EventBridge client escapes the detail (shared/aws/eventbridge.ts), the local bus delivers through
 * an SQS-safe client (lib/local/runtime.ts, shared/aws/sqs-message-text.ts), and the local SQS
 * emulator refuses raw U+FFFF as SQS does: without the escaping, the delivery would be retried
 * forever and hold every later event behind it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';
import { eventBridgePublisher } from '../../shared/adapters/eventbridge-events';
import { withSqsSafeDetails } from '../../shared/aws/eventbridge';
import { withSqsSafeBodies } from '../../shared/aws/sqs-message-text';
import { contactCreatedEvents } from '../../shared/crm/contact-events';

const BUS = 'unite-hub-local-domain-events';
let scratch: string;
let sqsEmulator: SqsEmulator;
let sqs: SQSClient;
let bus: LocalEventBus;
let events: EventBridgeClient;
let queueUrl: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r21e-bus-'));
  sqsEmulator = await startSqs({
    file: path.join(scratch, 'sqs', 'sqs.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 60_000,
    log: () => undefined,
  });
  sqs = withSqsSafeBodies(new SQSClient(localClientConfig(sqsEmulator.endpoint)));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'unite-hub-local-drip-steps' }))).QueueUrl as string;
  bus = await startEventBus({
    dataDir: path.join(scratch, 'bus'),
    busName: BUS,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': queueUrl } },
  });
  // As the functions' client (shared/aws/eventbridge.ts), on the local endpoint.
  events = withSqsSafeDetails(new EventBridgeClient(localClientConfig(bus.endpoint)));
});

afterAll(async () => {
  events?.destroy();
  await bus?.stop();
  sqs?.destroy();
  await sqsEmulator?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('an event with U+FFFF in its detail (r21e)', () => {
  it('reaches the rule’s queue with the very detail, and the next event follows it', async () => {
    const publisher = eventBridgePublisher(events, BUS);
    let n = 0;
    const newId = () => `id-${++n}`;
    const at = new Date(0).toISOString();
    await publisher.publish(
      contactCreatedEvents({ workspaceId: 'ws-1', contactId: 'c-poison', tags: ['vip\uFFFF'], createdAt: at }, newId),
    );
    await publisher.publish(
      contactCreatedEvents({ workspaceId: 'ws-1', contactId: 'c-next', tags: [], createdAt: at }, newId),
    );

    const details: Array<{ contactId: string; tags?: string[]; tag?: string }> = [];
    const until = Date.now() + 10_000;
    while (details.length < 3 && Date.now() < until) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      for (const m of out.Messages ?? []) details.push(JSON.parse(m.Body as string).detail);
    }
    expect(details).toContainEqual(expect.objectContaining({ contactId: 'c-poison', tags: ['vip\uFFFF'] }));
    expect(details).toContainEqual(expect.objectContaining({ contactId: 'c-poison', tag: 'vip\uFFFF' }));
    expect(details).toContainEqual(expect.objectContaining({ contactId: 'c-next', tags: [] }));
  }, 20_000);
});
