/**
 * Review round 15: this test failed at f03ad0e (an event the local bus accepted was never delivered to its rule's queue after a stop or a kill -9).
 *
 * Defect: an event the local bus accepted (PutEvents answered with its EventId, the event
 * appended to events.jsonl) but whose rule delivery to its queue had not completed is never
 * delivered, once the runtime is killed or stopped. The rule delivery (the `campaign-triggers`
 * rule: contact.created / tag_added / interaction_recorded / score_threshold_crossed -> drip-steps;
 * `ses-events`: SES bounces, complaints, deliveries -> email-events) lives only in an in-memory
 * retry queue. `stop()` merely logs "stopped with N rule deliveries not made" and `kill -9` loses
 * them silently; the next start reads events.jsonl for `runtime.events()` but never routes
 * anything again. In the cloud, an event EventBridge accepted reaches its SQS target (retried for
 * 24 h). Consequence: a contact created (201 answered) just before a Ctrl-C or a crash never
 * enters the campaigns its creation triggers, a tag never wakes the enrolments waiting on it, a
 * bounce never suppresses its address. The SES emulator's Send-event journal
 * (ses-send-journal.ts) patches exactly this hole for Send events only.
 *
 * Severity: HIGH (nothing queued is lost: an accepted event is queued work, and here it is lost
 * across an ordinary stop as well as a kill).
 *
 * Root cause: lib/local/event-bus.ts ruleDelivery (in-memory `retryingDelivery` queue, dropped by
 * `stop`) and startEventBus (no replay of undelivered rule targets at start).
 *
 * Correct behaviour: the rule deliveries of an accepted event are journaled with it (or marked
 * delivered), and those not delivered are delivered at the next start (at least once: the
 * consumers are idempotent on the event id).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { type SqsEmulator, startSqs } from '../../lib/local/emulators/sqs-server';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUS = 'unite-hub-local-domain-events';
const QUEUE = 'unite-hub-local-drip-steps';

let scratch: string;
let sqsEmulator: SqsEmulator;
let sqs: SQSClient;
let queueUrl: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-bus-'));
  sqsEmulator = await startSqs({
    file: path.join(scratch, 'sqs', 'sqs.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 60_000,
    log: () => undefined,
  });
  sqs = new SQSClient(localClientConfig(sqsEmulator.endpoint));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: QUEUE }))).QueueUrl as string;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  sqs?.destroy();
  await sqsEmulator?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A contact.created domain event, as the contacts function publishes it. */
const contactCreated = (contactId: string) => ({
  Source: 'unite-hub',
  DetailType: 'contact.created',
  EventBusName: BUS,
  Detail: JSON.stringify({ workspaceId: 'ws-r15', contactId }),
});

async function put(endpoint: string, entry: ReturnType<typeof contactCreated>): Promise<string> {
  const client = new EventBridgeClient(localClientConfig(endpoint));
  try {
    const out = await client.send(new PutEventsCommand({ Entries: [entry] }));
    expect(out.FailedEntryCount).toBe(0);
    return out.Entries?.[0]?.EventId as string;
  } finally {
    client.destroy();
  }
}

/** The bus restarted on `dataDir` with the real queue as the rule's target. */
async function restartedBus(dataDir: string): Promise<LocalEventBus> {
  const bus = await startEventBus({
    dataDir,
    busName: BUS,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': queueUrl } },
  });
  cleanups.push(() => bus.stop());
  return bus;
}

/** Event ids of the envelopes that reach the drip-steps queue within `seconds`. */
async function deliveredIds(seconds: number): Promise<string[]> {
  const ids: string[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    for (const m of out.Messages ?? []) ids.push((JSON.parse(m.Body as string) as { id: string }).id);
    if (ids.length > 0) break;
  }
  return ids;
}

describe('rule deliveries of accepted events across a restart of the local bus (review 15)', () => {
  it('an event accepted just before a clean stop still reaches its rule queue after the next start', async () => {
    const dataDir = path.join(scratch, 'clean');
    // The queue is unreachable for the moment (a port nothing listens on): the delivery is retried.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const down = new SQSClient({ ...localClientConfig(`http://127.0.0.1:${closed}`), maxAttempts: 1 });
    const first = await startEventBus({
      dataDir,
      busName: BUS,
      rules: eventRules,
      targets: { sqs: down, queueUrls: { 'drip-steps': `http://127.0.0.1:${closed}/000000000000/${QUEUE}` } },
    });
    const eventId = await put(first.endpoint, contactCreated('c-clean'));
    await new Promise((r) => setTimeout(r, 300));
    expect(first.pendingDeliveries()).toBe(1);
    await first.stop();
    down.destroy();

    await restartedBus(dataDir);
    expect(await deliveredIds(5)).toEqual([eventId]);
  }, 30_000);

  it('an event accepted just before kill -9 still reaches its rule queue after the next start', async () => {
    const dataDir = path.join(scratch, 'killed');
    // An SQS endpoint that takes the connection and never answers: the delivery is in progress.
    let connected!: () => void;
    const deliveryStarted = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const sockets = new Set<net.Socket>();
    const blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => connected());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          blackHole.close(() => resolve());
        }),
    );
    const holePort = (blackHole.address() as net.AddressInfo).port;

    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('test', 'integration', 'bus-child.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, SQS_ENDPOINT: `http://127.0.0.1:${holePort}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bus child did not start: ${out}`)), 30_000);
      child.stderr?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const line = /\{"endpoint":"[^"]+"\}/.exec(out)?.[0];
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { endpoint: string }).endpoint);
        }
      });
    });
    const eventId = await put(endpoint, contactCreated('c-killed'));
    await Promise.race([deliveryStarted, new Promise((r) => setTimeout(r, 5000))]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // The accepted event is on disk...
    const recorded = fs.readFileSync(path.join(dataDir, 'events.jsonl'), 'utf8');
    expect(recorded).toContain(eventId);
    // ...and must reach the queue once the bus runs again.
    await restartedBus(dataDir);
    expect(await deliveredIds(5)).toEqual([eventId]);
  }, 60_000);
});
