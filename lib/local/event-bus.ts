/**
 * A local EventBridge endpoint speaking the service's JSON 1.1 protocol, so functions
 * publish domain events with the real `@aws-sdk/client-eventbridge` client
 * (`AWS_ENDPOINT_URL_EVENTBRIDGE` points it here).
 *
 * Supported: `PutEvents` (with the service's validation: 1 to 10 entries, 256 KB per
 * request, Source/DetailType/Detail required, Detail a JSON object, the bus must exist;
 * refused entries come back as per-entry `ErrorCode`s exactly as the service reports
 * them) and `DescribeEventBus`. The buses are `default` and the declared domain-events bus.
 *
 * Every accepted event is recorded in the envelope a rule target receives
 * (`version`, `id`, `detail-type`, `source`, `time`, `detail`...), kept in memory and
 * appended to `DATA_DIR/events.jsonl`, so the record survives restarts; `events(filter)`
 * reads it (tests, the runtime). The record is bounded (event-record.ts): it keeps every event
 * whose rule deliveries may not all have been made and the newest delivered ones (8 MiB by
 * default, `keepBytes`); older delivered events are dropped at start and while the bus runs, so
 * neither start time nor memory grows with history. Nothing is printed per event unless
 * `logEvents` is set.
 *
 * Rules: the declared `eventRules` (lib/definition) are matched against every accepted event
 * (the pattern subset of {@link matchesPattern}) and each match's envelope is sent to the rule's
 * queue with the real SQS protocol (`SendMessage`), as an EventBridge SQS target does. Delivery is
 * asynchronous (PutEvents answers first, like the service), in the order the events were accepted;
 * a failed send is logged and retried with backoff (capped at 30 s) for as long as the bus runs.
 *
 * Nothing accepted is lost across a stop or `kill -9`: an event is on disk before PutEvents
 * answers, and `DATA_DIR/events.delivered` journals how far the rule deliveries got (the id of
 * the newest event all of whose deliveries, and all earlier events' deliveries, were made:
 * deliveries go in order, so that one id is the whole state). At start, every recorded event after
 * it is routed to its rules again, so an event accepted just before a stop or a kill reaches its
 * queue (at least once: a kill between the `SendMessage` answer and the journal line delivers it
 * twice, and the consumers dedupe on the event id). The journal is compacted to its last line at
 * start, every 10,000 lines and before the record drops events (so the event it names is always
 * in the record). A data directory from before this journal existed has its recorded events taken
 * as delivered (one log line), not sent again.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventRuleDeclaration, QueueName } from '../definition';
import { matchesPattern } from '../definition/event-rules';
import {
  RECORD_KEEP_BYTES,
  type RecordedEvent,
  readRecord,
  recordLine,
  retainedFrom,
  writeRecord,
} from './event-record';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { retryingDelivery } from './retrying-delivery';
import { writeStateFile } from './state-file';

export type { RecordedEvent } from './event-record';

export interface EventFilter {
  readonly detailType?: string;
  readonly source?: string;
  /** Matches `detail.workspaceId`. */
  readonly workspaceId?: string;
  readonly eventBusName?: string;
  /** Events whose `time` is at or after this instant. */
  readonly since?: Date | string;
}

export interface LocalEventBus {
  endpoint: string;
  /** The declared bus's physical name (`unite-hub-local-domain-events`). */
  busName: string;
  /** Recorded events (those the bounded record keeps), oldest first, optionally filtered. */
  events(filter?: EventFilter): RecordedEvent[];
  /** Rule deliveries not made yet (waiting or being retried). */
  pendingDeliveries(): number;
  stop(): Promise<void>;
}

/** The service refuses a request whose entries exceed this total (AWS size formula). */
export const MAX_REQUEST_BYTES = 256 * 1024;
export const MAX_ENTRIES = 10;
export const EVENTS_FILE = 'events.jsonl';
/** The rule-delivery journal beside the record (see the module comment). */
export const DELIVERED_FILE = 'events.delivered';
/** The delivery journal is rewritten to its last line once it holds this many. */
export const DELIVERED_COMPACT_LINES = 10_000;
/** How soon a delivery cursor that moved is written (a kill before replays at most that moment's events). */
const ADVANCE_WRITE_MS = 100;

export const localEventBusArn = (name: string): string =>
  `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type RequestEntry = {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Time?: unknown;
  Resources?: unknown;
};
type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export async function startEventBus(opts: {
  dataDir: string;
  busName: string;
  log?: (line: string) => void;
  /** One line per accepted event through `log` (off by default). */
  logEvents?: boolean;
  host?: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** Rules and the queues their targets name (the URLs of the local queues). */
  rules?: readonly EventRuleDeclaration[];
  targets?: { sqs: SQSClient; queueUrls: Partial<Record<QueueName, string>> };
  /** Bytes of delivered events the record keeps (default {@link RECORD_KEEP_BYTES}). */
  keepBytes?: number;
}): Promise<LocalEventBus> {
  const log = opts.log ?? (() => undefined);
  const buses = new Set(['default', opts.busName]);
  const file = path.join(opts.dataDir, EVENTS_FILE);
  const keepBytes = opts.keepBytes ?? RECORD_KEEP_BYTES;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const deliveredFile = path.join(opts.dataDir, DELIVERED_FILE);
  const journal = readDeliveryJournal(deliveredFile);
  const read = readRecord(file, journal && new Set(journal), keepBytes, log);
  const recorded = read.events;
  const sizes = read.sizes;
  if (!journal && read.total > 0) {
    log(`[events] no ${DELIVERED_FILE} yet: the ${read.total} recorded event(s) are taken as delivered`);
  }
  // The journal first (compacted to the cursor's event, which the record keeps), then the record.
  const cursor = deliveryCursor(deliveredFile, read.from > 0 ? recorded[read.from - 1]?.id : undefined);
  let recordBytes = sizes.reduce((sum, n) => sum + n, 0);
  if (read.dropped) recordBytes = writeRecord(file, recorded);
  // A torn last line has no newline: end it, so the next append starts a line of its own.
  else if (read.torn) fs.appendFileSync(file, '\n');
  /** The record is rewritten without its old delivered events once it has grown this big. */
  let compactAt = Math.max(2 * keepBytes, recordBytes + keepBytes);
  const compactRecord = () => {
    const done = cursor.settle();
    const at = done === undefined ? -1 : recorded.findLastIndex((e) => e.id === done);
    const from = retainedFrom(sizes, at, keepBytes);
    if (from > 0) {
      recorded.splice(0, from);
      sizes.splice(0, from);
      recordBytes = writeRecord(file, recorded);
    }
    compactAt = Math.max(2 * keepBytes, recordBytes + keepBytes);
  };
  const delivery = ruleDelivery(opts.rules ?? [], opts.busName, opts.targets, cursor, log);
  // The events accepted before the last stop (or kill) whose rule deliveries were not all made.
  const undelivered = recorded.slice(read.from);
  for (const e of undelivered) delivery.route(e);
  if (delivery.pending() > 0) {
    log(
      `[events] ${delivery.pending()} rule deliveries of ${undelivered.length} event(s) accepted before the last stop are made now`,
    );
  }

  const putEvents = (body: Record<string, unknown>) => {
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      const length = Array.isArray(entries) ? entries.length : 0;
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value with length ${length} at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES} and greater than or equal to 1`,
      );
    }
    const typed = entries as RequestEntry[];
    if (typed.reduce((sum, e) => sum + entrySize(e), 0) > MAX_REQUEST_BYTES) {
      throw new ServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const accepted: RecordedEvent[] = [];
    const results = typed.map((entry): ResultEntry => {
      const outcome = validate(entry, buses);
      if ('ErrorCode' in outcome) return outcome;
      const event: RecordedEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType as string,
        source: entry.Source as string,
        account: LOCAL_ACCOUNT,
        time: eventTime(entry.Time),
        region: LOCAL_REGION,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail: outcome.detail,
        eventBusName: outcome.bus,
      };
      accepted.push(event);
      return { EventId: event.id };
    });
    if (accepted.length > 0) {
      // Appended before answering: an event the caller saw accepted is on disk.
      const lines = accepted.map(recordLine);
      fs.appendFileSync(file, lines.map((l) => l.line).join(''));
      recorded.push(...accepted);
      for (const l of lines) {
        sizes.push(l.bytes);
        recordBytes += l.bytes;
      }
      for (const e of accepted) delivery.route(e);
      if (recordBytes > compactAt) compactRecord();
      if (opts.logEvents) for (const e of accepted) log(`[events] ${e.source} ${e['detail-type']} ${e.id}`);
    }
    return { FailedEntryCount: results.length - accepted.length, Entries: results };
  };

  const actions: Record<string, (body: Record<string, unknown>) => unknown> = {
    PutEvents: putEvents,
    DescribeEventBus(body) {
      const name = busNameOf(body.Name) ?? 'default';
      if (!buses.has(name)) throw new ServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
      return { Name: name, Arn: localEventBusArn(name) };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
      let status = 200;
      let payload: unknown;
      try {
        const handler = actions[action];
        if (!handler) throw new ServiceError('UnknownOperationException', `${action} is not supported locally`);
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          throw new ServiceError('SerializationException', 'The request body is not valid JSON');
        }
        payload = handler((body ?? {}) as Record<string, unknown>);
      } catch (error) {
        status = error instanceof ServiceError ? 400 : 500;
        payload =
          error instanceof ServiceError
            ? { __type: error.type, message: error.message }
            : { __type: 'InternalException', message: (error as Error).message };
        if (status === 500) log(`[events] ${action} failed: ${(error as Error).message}`);
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    busName: opts.busName,
    events: (filter) => (filter ? recorded.filter(matches(filter)) : [...recorded]),
    pendingDeliveries: () => delivery.pending(),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      await delivery.stop();
      cursor.close();
    },
  };
}

export { matchesPattern };

/** The envelope a target receives: the event without the local record's bus name. */
const envelopeOf = ({ eventBusName: _bus, ...event }: RecordedEvent) => event;

/**
 * Sends matched events to their rules' queues, in order, retrying failures until they go or the
 * bus stops; each event's completion moves the delivery journal's cursor on. What `stop` leaves
 * undelivered stays after the cursor and is routed again at the next start.
 */
function ruleDelivery(
  rules: readonly EventRuleDeclaration[],
  domainBus: string,
  targets: { sqs: SQSClient; queueUrls: Partial<Record<QueueName, string>> } | undefined,
  cursor: DeliveryCursor,
  log: (line: string) => void,
) {
  const physical = (bus: EventRuleDeclaration['bus']) => (bus === 'default' ? 'default' : domainBus);
  /** The newest event routed: once the queue is empty, it and every event before it are done. */
  let newestRouted: string | undefined;
  const delivery = retryingDelivery<{ rule: EventRuleDeclaration; event: RecordedEvent; last: boolean }>({
    async deliver({ rule, event, last }) {
      const url = targets?.queueUrls[rule.targetQueue];
      if (!targets || !url) throw new Error(`no local queue ${rule.targetQueue}`);
      await targets.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(envelopeOf(event)) }));
      // This item is still counted: 1 means nothing was routed after it.
      if (last) cursor.advance(delivery.pending() === 1 && newestRouted ? newestRouted : event.id);
    },
    describeFailure: ({ rule, event }, attempt, waitMs, error) =>
      `[events] rule ${rule.name}: delivering ${event.id} to ${rule.targetQueue} failed (attempt ${attempt}, retrying in ${waitMs} ms): ${error.message}`,
    log,
  });

  return {
    route(event: RecordedEvent) {
      const matched = rules.filter(
        (rule) =>
          physical(rule.bus) === event.eventBusName &&
          matchesPattern(rule.pattern, event as unknown as Record<string, unknown>),
      );
      newestRouted = event.id;
      // Nothing to deliver and nothing before it waiting: done (journaled lazily, it costs nothing
      // to route an event no rule matches again).
      if (matched.length === 0 && delivery.pending() === 0) cursor.advance(event.id);
      matched.forEach((rule, i) => {
        delivery.push({ rule, event, last: i === matched.length - 1 });
      });
    },
    pending: delivery.pending,
    async stop() {
      const left = await delivery.stop();
      if (left.length > 0) {
        log(
          `[events] stopped with ${left.length} rule deliveries not made (made at the next start): ${[...new Set(left.map((q) => q.event.id))].join(', ')}`,
        );
      }
    },
  };
}

interface DeliveryCursor {
  /**
   * Every event up to `id` (in the record's order) has had its deliveries made (or needed none):
   * journaled within {@link ADVANCE_WRITE_MS}, or at `close`.
   */
  advance(id: string): void;
  /** Journals the cursor now, as the journal's one line; returns it (undefined: nothing done yet). */
  settle(): string | undefined;
  close(): void;
}

/** The delivery journal's lines (event ids, oldest first); undefined when there is no journal. */
function readDeliveryJournal(file: string): string[] | undefined {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

/**
 * The rule-delivery journal (`events.delivered`): one event id a line, each the newest event done
 * so far. Read back (readRecord), the newest recorded event a line names is the cursor (a torn line
 * names none). `current`: that event's id (undefined: none done yet).
 */
function deliveryCursor(file: string, initial: string | undefined): DeliveryCursor {
  let current = initial;
  let lineCount = 0;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  const compact = () => {
    // Written whole or not at all: a kill mid-write keeps the previous journal.
    writeStateFile(file, current ? `${current}\n` : '');
    lineCount = current ? 1 : 0;
  };
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    dirty = false;
    if (!current) return;
    if (lineCount >= DELIVERED_COMPACT_LINES) compact();
    else {
      fs.appendFileSync(file, `${current}\n`);
      lineCount += 1;
    }
  };
  compact();
  return {
    advance(id) {
      // Written within a moment, not per event (a sync write per event cost the pipeline): a kill
      // before it only routes the last moment's events again, which consumers dedupe by event id.
      current = id;
      dirty = true;
      timer ??= setTimeout(write, ADVANCE_WRITE_MS).unref();
    },
    settle() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      dirty = false;
      compact();
      return current;
    },
    close() {
      if (dirty) write();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** A bus name from a name or an ARN (`arn:aws:events:...:event-bus/<name>`). */
function busNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const arn = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(value);
  return arn ? arn[1] : value;
}

/** The per-entry checks and error codes of the service. */
function validate(
  entry: RequestEntry,
  buses: ReadonlySet<string>,
): { detail: Record<string, unknown>; bus: string } | { ErrorCode: string; ErrorMessage: string } {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const bus = busNameOf(entry.EventBusName) ?? 'default';
  if (!buses.has(bus))
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
  return { detail: detail as Record<string, unknown>, bus };
}

/**
 * The entry size as AWS documents it: 14 bytes for a Time, plus the UTF-8 bytes of
 * Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: RequestEntry): number {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((s: number, r) => s + bytes(r), 0) : 0;
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources
  );
}

/** The SDK sends Time as epoch seconds; events carry it to the second, as the service does. */
function eventTime(value: unknown): string {
  const date =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date();
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  return valid.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function matches(filter: EventFilter): (e: RecordedEvent) => boolean {
  const since = filter.since === undefined ? undefined : new Date(filter.since).getTime();
  return (e) =>
    (filter.detailType === undefined || e['detail-type'] === filter.detailType) &&
    (filter.source === undefined || e.source === filter.source) &&
    (filter.eventBusName === undefined || e.eventBusName === filter.eventBusName) &&
    (filter.workspaceId === undefined || e.detail.workspaceId === filter.workspaceId) &&
    // `time` is truncated to the second: compare at that resolution.
    (since === undefined || Date.parse(e.time) >= Math.floor(since / 1000) * 1000);
}
