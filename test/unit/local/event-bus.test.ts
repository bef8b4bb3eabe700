import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS_FILE, entrySize, type LocalEventBus, startEventBus } from '../../../lib/local/event-bus';

const BUS = 'unite-hub-local-domain-events';
const started: LocalEventBus[] = [];

async function bus(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-bus-')), log?: (l: string) => void) {
  const b = await startEventBus({ dataDir, busName: BUS, ...(log ? { log } : {}) });
  started.push(b);
  return { bus: b, dataDir };
}

/** One call on the wire, as the SDK makes it (JSON 1.1, target header). */
async function call(b: LocalEventBus, action: string, body: unknown) {
  const res = await fetch(b.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests assert on the wire JSON field by field
  const answer: any = await res.json();
  return { status: res.status, type: res.headers.get('content-type'), body: answer };
}

const entry = (over: Record<string, unknown> = {}) => ({
  EventBusName: BUS,
  Source: 'unite-hub',
  DetailType: 'contact.created',
  Detail: JSON.stringify({ workspaceId: 'ws-1', contactId: 'c-1' }),
  Time: 1_767_225_600.25, // 2026-01-01T00:00:00.250Z as epoch seconds, how the SDK sends it
  ...over,
});

afterEach(async () => {
  for (const b of started.splice(0)) await b.stop();
});

describe('local EventBridge: PutEvents', () => {
  it('accepts entries, answers event ids and records each in the envelope a rule target receives', async () => {
    // Prepare
    const { bus: b } = await bus();
    // Act
    const out = await call(b, 'PutEvents', { Entries: [entry(), entry({ DetailType: 'contact.updated' })] });
    // Assess
    expect(out.status).toBe(200);
    expect(out.type).toBe('application/x-amz-json-1.1');
    expect(out.body.FailedEntryCount).toBe(0);
    expect(out.body.Entries).toHaveLength(2);
    const events = b.events();
    expect(events.map((e) => e.id)).toEqual(out.body.Entries.map((e: { EventId: string }) => e.EventId));
    expect(events[0]).toEqual({
      version: '0',
      id: out.body.Entries[0].EventId,
      'detail-type': 'contact.created',
      source: 'unite-hub',
      account: '000000000000',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { workspaceId: 'ws-1', contactId: 'c-1' },
      eventBusName: BUS,
    });
  });

  it('reports refused entries one by one with the service’s error codes, and records only the rest', async () => {
    // Prepare
    const { bus: b } = await bus();
    // Act
    const out = await call(b, 'PutEvents', {
      Entries: [
        entry({ Source: undefined }),
        entry({ Detail: 'not json' }),
        entry({ Detail: '[1,2]' }),
        entry({ EventBusName: 'nope' }),
        entry(),
        entry({ DetailType: '' }),
      ],
    });
    // Assess
    expect(out.body.FailedEntryCount).toBe(5);
    expect(out.body.Entries.map((e: { ErrorCode?: string }) => e.ErrorCode ?? 'ok')).toEqual([
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'ok',
      'InvalidArgument',
    ]);
    expect(out.body.Entries[0].ErrorMessage).toBe(
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
    expect(out.body.Entries[3].ErrorMessage).toBe('Event bus nope does not exist.');
    expect(b.events()).toHaveLength(1);
  });

  it('takes the bus by name or ARN, and puts entries without a bus name on `default`', async () => {
    const { bus: b } = await bus();
    await call(b, 'PutEvents', {
      Entries: [
        entry({ EventBusName: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}` }),
        entry({ EventBusName: undefined }),
      ],
    });
    expect(b.events().map((e) => e.eventBusName)).toEqual([BUS, 'default']);
  });

  it.each([
    ['no entries', []],
    ['more than 10 entries', Array.from({ length: 11 }, () => entry())],
    ['over 256 KB in total', [entry({ Detail: JSON.stringify({ big: 'x'.repeat(256 * 1024) }) })]],
  ])('refuses a whole request with %s (ValidationException)', async (_label, entries) => {
    const { bus: b } = await bus();
    const out = await call(b, 'PutEvents', { Entries: entries });
    expect(out.status).toBe(400);
    expect(out.body.__type).toBe('ValidationException');
    expect(b.events()).toEqual([]);
  });

  it('answers an unknown operation and a body that is not JSON as the JSON protocol does', async () => {
    const { bus: b } = await bus();
    expect((await call(b, 'PutRule', { Name: 'r' })).body.__type).toBe('UnknownOperationException');
    const res = await fetch(b.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents' },
      body: '{',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('describes the declared bus and `default`, and no other', async () => {
    const { bus: b } = await bus();
    expect((await call(b, 'DescribeEventBus', { Name: BUS })).body).toEqual({
      Name: BUS,
      Arn: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}`,
    });
    expect((await call(b, 'DescribeEventBus', {})).body.Name).toBe('default');
    expect((await call(b, 'DescribeEventBus', { Name: 'other' })).body.__type).toBe('ResourceNotFoundException');
  });
});

describe('local EventBridge: the record', () => {
  it('filters by detail type, source, workspace, bus and time', async () => {
    // Prepare
    const { bus: b } = await bus();
    await call(b, 'PutEvents', {
      Entries: [
        entry({ Time: 1_000 }),
        entry({ DetailType: 'contact.score_threshold_crossed', Time: 2_000 }),
        entry({ Detail: JSON.stringify({ workspaceId: 'ws-2' }), Time: 3_000 }),
        entry({ Source: 'other', Time: 4_000, EventBusName: undefined }),
      ],
    });
    // Act + Assess
    expect(b.events({ detailType: 'contact.score_threshold_crossed' })).toHaveLength(1);
    expect(b.events({ workspaceId: 'ws-2' })).toHaveLength(1);
    expect(b.events({ source: 'unite-hub' })).toHaveLength(3);
    expect(b.events({ eventBusName: 'default' })).toHaveLength(1);
    expect(b.events({ since: new Date(2_500_000) }).map((e) => e.time)).toEqual([
      new Date(3_000_000).toISOString().replace('.000', ''),
      new Date(4_000_000).toISOString().replace('.000', ''),
    ]);
    expect(b.events({ workspaceId: 'ws-1', detailType: 'contact.created' })).toHaveLength(2);
  });

  it('keeps every event across a restart, in DATA_DIR/events.jsonl', async () => {
    // Prepare
    const first = await bus();
    await call(first.bus, 'PutEvents', { Entries: [entry(), entry()] });
    const ids = first.bus.events().map((e) => e.id);
    await first.bus.stop();
    // Act
    const second = await bus(first.dataDir);
    await call(second.bus, 'PutEvents', { Entries: [entry()] });
    // Assess
    expect(
      second.bus
        .events()
        .map((e) => e.id)
        .slice(0, 2),
    ).toEqual(ids);
    expect(second.bus.events()).toHaveLength(3);
    expect(fs.readFileSync(path.join(first.dataDir, EVENTS_FILE), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('skips a torn last line left by a crash, and appends after it on a line of its own', async () => {
    // Prepare
    const first = await bus();
    await call(first.bus, 'PutEvents', { Entries: [entry()] });
    await first.bus.stop();
    fs.appendFileSync(path.join(first.dataDir, EVENTS_FILE), '{"version":"0","id":"tor');
    const lines: string[] = [];
    // Act
    const second = await bus(first.dataDir, (l) => lines.push(l));
    await call(second.bus, 'PutEvents', { Entries: [entry()] });
    const third = await bus(first.dataDir);
    // Assess
    expect(lines.join('\n')).toMatch(/skipped 1 unreadable line/);
    expect(second.bus.events()).toHaveLength(2);
    expect(third.bus.events()).toHaveLength(2);
  });

  it('prints nothing per event by default', async () => {
    const lines: string[] = [];
    const { bus: b } = await bus(undefined, (l) => lines.push(l));
    await call(b, 'PutEvents', { Entries: [entry(), entry()] });
    expect(lines).toEqual([]);
  });

  it('sizes entries with the AWS formula (14 bytes for a time, UTF-8 bytes of the rest)', () => {
    expect(entrySize({ Source: 'ab', DetailType: 'é', Detail: '{}', Resources: ['xyz'] })).toBe(2 + 2 + 2 + 3);
    expect(entrySize({ Source: 'ab', Time: 1 })).toBe(16);
  });
});
