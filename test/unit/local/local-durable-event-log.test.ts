// Review round 16: this test failed at 5bc3520.
// Defect: DATA_DIR/events.jsonl (the local bus's record of accepted events) kept every event ever
// published, and every start read it whole into memory: start time and memory grew with history.
/**
 * Correct: the record is bounded. It keeps every event whose rule deliveries may not all have been
 * made, and of the delivered ones only the newest (RECORD_KEEP_BYTES, or the bus's `keepBytes`);
 * older delivered events are dropped at start and while the bus runs. Nothing undelivered is lost:
 * the delivery journal (events.delivered) still brings every event a stop left undelivered to its
 * queue at the next start, once, in order.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRules } from '../../../lib/definition';
import { DELIVERED_FILE, EVENTS_FILE, type LocalEventBus, startEventBus } from '../../../lib/local/event-bus';

const BUS = 'unite-hub-local-domain-events';
const MiB = 1024 * 1024;
const started: LocalEventBus[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const b of started.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-durable-events-'));
  dirs.push(dir);
  return dir;
};

/** A stand-in SQS client: records the event ids sent, or fails every send while `down`. */
function queue() {
  const state = { down: false, sent: [] as string[] };
  const sqs = {
    send: async (command: SendMessageCommand) => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      state.sent.push((JSON.parse(command.input.MessageBody as string) as { id: string }).id);
      return {};
    },
  } as unknown as SQSClient;
  return { state, sqs };
}

async function bus(dataDir: string, sqs: SQSClient, keepBytes?: number) {
  const b = await startEventBus({
    dataDir,
    busName: BUS,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': 'http://queue/drip-steps', 'email-events': 'http://queue/email' } },
    ...(keepBytes === undefined ? {} : { keepBytes }),
  });
  started.push(b);
  return b;
}

async function stop(b: LocalEventBus) {
  await b.stop();
  started.splice(started.indexOf(b), 1);
}

/** Puts `count` contact.created events (the campaign-triggers rule sends them to drip-steps), 10 a call. */
async function put(b: LocalEventBus, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const res = await fetch(b.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({
        Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          EventBusName: BUS,
          Source: 'unite-hub',
          DetailType: 'contact.created',
          Detail: JSON.stringify({ workspaceId: 'ws-log', contactId: `c-${i + j}`, padding: 'x'.repeat(300) }),
        })),
      }),
    });
    const body = (await res.json()) as { Entries: Array<{ EventId: string }> };
    ids.push(...body.Entries.map((e) => e.EventId));
  }
  return ids;
}

const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
};
const recordBytes = (dir: string) => fs.statSync(path.join(dir, EVENTS_FILE)).size;

describe('the local bus’s event record stays bounded (review 16)', () => {
  it('a long delivered history is not kept nor read back whole: start drops all but the newest', async () => {
    // Prepare: 100,000 delivered events (about 45 MB), the delivery journal naming the newest.
    const dir = scratch();
    const ids = Array.from({ length: 100_000 }, () => randomUUID());
    const line = (id: string, i: number) =>
      `${JSON.stringify({
        version: '0',
        id,
        'detail-type': 'contact.updated',
        source: 'unite-hub',
        account: '000000000000',
        time: new Date(1_700_000_000_000 + i * 1000).toISOString().replace('.000', ''),
        region: 'ap-southeast-2',
        resources: [],
        detail: { workspaceId: 'ws-log', contactId: `c-${i}`, padding: 'x'.repeat(300) },
        eventBusName: BUS,
      })}\n`;
    fs.writeFileSync(path.join(dir, EVENTS_FILE), ids.map(line).join(''));
    fs.writeFileSync(path.join(dir, DELIVERED_FILE), `${ids.at(-1)}\n`);
    expect(recordBytes(dir)).toBeGreaterThan(40 * MiB);
    const q = queue();
    // Act
    const first = await bus(dir, q.sqs);
    // Assess: bounded on disk and in memory, the newest kept, nothing delivered again.
    expect(recordBytes(dir)).toBeLessThan(20 * MiB);
    const kept = first.events();
    expect(kept.length).toBeLessThan(ids.length / 2);
    expect(kept.map((e) => e.id)).toEqual(ids.slice(-kept.length));
    expect(q.state.sent).toEqual([]);
    // The next start reads the bounded record, and the journal still finds its cursor in it.
    await stop(first);
    const [fresh] = await put(await bus(dir, q.sqs), 1);
    await until(() => q.state.sent.length === 1);
    expect(q.state.sent).toEqual([fresh]);
  });

  it('stays bounded while the bus runs, and every event still reaches its queue once', async () => {
    // Prepare
    const dir = scratch();
    const q = queue();
    const b = await bus(dir, q.sqs, 64 * 1024);
    // Act: about 900 KB of events.
    const ids = await put(b, 2000);
    await until(() => q.state.sent.length === ids.length);
    await put(b, 10);
    // Assess
    expect(recordBytes(dir)).toBeLessThan(3 * 64 * 1024);
    expect(b.events().length).toBeLessThan(500);
    expect(q.state.sent.slice(0, ids.length)).toEqual(ids);
  });

  it('drops nothing undelivered: a stop with 2,000 deliveries waiting delivers them all at the next start', async () => {
    // Prepare: the queue down while 2,000 events are put (far past the 64 KB kept).
    const dir = scratch();
    const q = queue();
    const [delivered] = await put(await bus(dir, q.sqs, 64 * 1024), 1);
    await until(() => q.state.sent.length === 1);
    q.state.down = true;
    const first = started.at(-1) as LocalEventBus;
    const waiting = await put(first, 2000);
    await stop(first);
    expect(recordBytes(dir)).toBeGreaterThan(2000 * 300);
    q.state.down = false;
    // Act
    const second = await bus(dir, q.sqs, 64 * 1024);
    await until(() => q.state.sent.length === 2001);
    await new Promise((r) => setTimeout(r, 200));
    // Assess: each once, in order; then, delivered, they are dropped like any other.
    expect(q.state.sent).toEqual([delivered, ...waiting]);
    await stop(second);
    const third = await bus(dir, q.sqs, 64 * 1024);
    expect(recordBytes(dir)).toBeLessThan(2 * 64 * 1024);
    expect(third.events().at(-1)?.id).toBe(waiting.at(-1));
    expect(q.state.sent).toHaveLength(2001);
  });
});
