/**
 * The local bus's rule-delivery journal (`events.delivered`): an accepted event whose rule
 * deliveries were not made when the bus stopped is delivered at the next start, in order, once;
 * delivered events are not delivered again; a data directory from before the journal existed has
 * its events taken as delivered; the journal is compacted to one line at start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRules } from '../../../lib/definition';
import { DELIVERED_FILE, type LocalEventBus, startEventBus } from '../../../lib/local/event-bus';

const BUS = 'unite-hub-local-domain-events';
const started: LocalEventBus[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const b of started.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

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

async function bus(dataDir: string, sqs: SQSClient, log: (l: string) => void = () => undefined) {
  const b = await startEventBus({
    dataDir,
    busName: BUS,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': 'http://queue/drip-steps', 'email-events': 'http://queue/email' } },
    log,
  });
  started.push(b);
  return b;
}

async function put(b: LocalEventBus, detailTypes: string[]): Promise<string[]> {
  const res = await fetch(b.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({
      Entries: detailTypes.map((DetailType, i) => ({
        EventBusName: BUS,
        Source: 'unite-hub',
        DetailType,
        Detail: JSON.stringify({ workspaceId: 'ws-1', contactId: `c-${i}` }),
      })),
    }),
  });
  const body = (await res.json()) as { Entries: Array<{ EventId: string }> };
  return body.Entries.map((e) => e.EventId);
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-bus-journal-'));
  dirs.push(dir);
  return dir;
};

describe('the local bus’s rule-delivery journal', () => {
  it('delivers at the next start, in order and once, what a stop left undelivered; nothing delivered goes twice', async () => {
    // Prepare: one event delivered, then the queue down for three more (one no rule matches).
    const dir = scratch();
    const q = queue();
    const first = await bus(dir, q.sqs);
    const [delivered] = await put(first, ['contact.created']);
    await until(() => q.state.sent.length === 1);
    q.state.down = true;
    const ids = await put(first, ['contact.tag_added', 'contact.updated', 'contact.interaction_recorded']);
    await until(() => first.pendingDeliveries() === 2);
    const lines: string[] = [];
    await first.stop();
    started.splice(started.indexOf(first), 1);
    q.state.down = false;
    // Act
    const second = await bus(dir, q.sqs, (l) => lines.push(l));
    await until(() => q.state.sent.length === 3);
    await second.stop();
    started.splice(started.indexOf(second), 1);
    const third = await bus(dir, q.sqs);
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(q.state.sent).toEqual([delivered, ids[0], ids[2]]);
    expect(lines.join('\n')).toMatch(/2 rule deliveries of 3 event\(s\) accepted before the last stop/);
    expect(third.pendingDeliveries()).toBe(0);
    // Compacted at start to the one line naming the newest event done.
    expect(fs.readFileSync(path.join(dir, DELIVERED_FILE), 'utf8')).toBe(`${ids[2]}\n`);
  });

  it('takes the events of a data directory from before the journal as delivered', async () => {
    // Prepare
    const dir = scratch();
    const q = queue();
    q.state.down = true;
    const first = await bus(dir, q.sqs);
    await put(first, ['contact.created']);
    await first.stop();
    started.splice(started.indexOf(first), 1);
    fs.rmSync(path.join(dir, DELIVERED_FILE));
    q.state.down = false;
    const lines: string[] = [];
    // Act
    const second = await bus(dir, q.sqs, (l) => lines.push(l));
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(q.state.sent).toEqual([]);
    expect(second.pendingDeliveries()).toBe(0);
    expect(lines.join('\n')).toMatch(/the 1 recorded event\(s\) are taken as delivered/);
  });

  it('a torn last journal line falls back to the line before it', async () => {
    // Prepare
    const dir = scratch();
    const q = queue();
    const first = await bus(dir, q.sqs);
    const ids = await put(first, ['contact.created', 'contact.tag_added']);
    await until(() => q.state.sent.length === 2);
    await first.stop();
    started.splice(started.indexOf(first), 1);
    // The second event's line torn, as a kill mid-append leaves it.
    fs.writeFileSync(path.join(dir, DELIVERED_FILE), `${ids[0]}\n${(ids[1] as string).slice(0, 10)}`);
    // Act
    await bus(dir, q.sqs);
    await until(() => q.state.sent.length === 3);
    // Assess: the second event goes again (at least once), the first does not.
    expect(q.state.sent).toEqual([ids[0], ids[1], ids[1]]);
  });
});
