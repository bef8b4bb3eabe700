/**
 * The local bus's record of accepted events (`DATA_DIR/events.jsonl`, one event a line) and how it
 * stays bounded. Every event is appended before PutEvents answers; the record keeps every event
 * whose rule deliveries may not all have been made (after the delivery cursor, event-bus.ts) and,
 * of the delivered ones, the newest that fit in `keepBytes` together with them (the cursor's own
 * event always: the delivery journal names it). Older delivered events are dropped: at start while
 * the file is read (a long history is streamed, never held whole), and while the bus runs whenever
 * the file has grown by `keepBytes` since it was last rewritten. A rewrite goes through
 * state-file.ts, so a kill leaves the old record or the new one.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { EventBridgeEvent } from 'aws-lambda';
import { writeStateFile } from './state-file';

/** An accepted event, as a rule target would receive it, plus the bus it was put on. */
export type RecordedEvent = EventBridgeEvent<string, Record<string, unknown>> & { readonly eventBusName: string };

/** Delivered events kept by default (with every undelivered one): start reads at most about twice this. */
export const RECORD_KEEP_BYTES = 8 * 1024 * 1024;

/** The record's line for `event`, with its size in bytes. */
export function recordLine(event: RecordedEvent): { line: string; bytes: number } {
  const line = `${JSON.stringify(event)}\n`;
  return { line, bytes: Buffer.byteLength(line) };
}

/**
 * Where the retained part of a record starts: the longest tail within `keepBytes`, reaching back
 * to the cursor's event (index of the newest delivered one; -1: none delivered, all kept) when the
 * undelivered events alone exceed it.
 */
export function retainedFrom(sizes: readonly number[], cursor: number, keepBytes: number): number {
  if (cursor < 0) return 0;
  let from = sizes.length;
  let bytes = 0;
  while (from > 0 && bytes + (sizes[from - 1] ?? 0) <= keepBytes) {
    from -= 1;
    bytes += sizes[from] ?? 0;
  }
  return Math.min(from, cursor);
}

export interface ReadRecord {
  /** The retained events, oldest first, and each one's size in the file. */
  readonly events: RecordedEvent[];
  readonly sizes: number[];
  /** Index in `events` of the first event whose rule deliveries may not all have been made. */
  readonly from: number;
  /** Events read in all (retained or not). */
  readonly total: number;
  /** Whether events were left out (the file should be rewritten with `events` only). */
  readonly dropped: boolean;
  /** Whether the file ends in a torn line (a kill mid-append). */
  readonly torn: boolean;
}

/**
 * Streams the record. `delivered`: the delivery journal's ids (undefined: no journal, every event
 * is taken as delivered); the newest event one of them names is the cursor.
 */
export function readRecord(
  file: string,
  delivered: ReadonlySet<string> | undefined,
  keepBytes: number,
  log: (line: string) => void,
): ReadRecord {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { events: [], sizes: [], from: 0, total: 0, dropped: false, torn: false };
    }
    throw error;
  }
  let events: RecordedEvent[] = [];
  let sizes: number[] = [];
  /** Events read so far before `events[first]` are dropped; `head` is the absolute index of `events[first]`. */
  let first = 0;
  let head = 0;
  let retainedBytes = 0;
  /** Absolute index of the newest delivered event (-1: none). */
  let cursor = -1;
  let total = 0;
  let skipped = 0;
  const take = (line: string) => {
    if (line.trim() === '') return;
    let event: RecordedEvent;
    try {
      event = JSON.parse(line) as RecordedEvent;
    } catch {
      skipped += 1;
      return;
    }
    const bytes = Buffer.byteLength(line) + 1;
    events.push(event);
    sizes.push(bytes);
    retainedBytes += bytes;
    if (!delivered || delivered.has(event.id)) cursor = total;
    total += 1;
    // Later events only lengthen the tail and move the cursor on: what is dropped now stays dropped.
    while (head < cursor && retainedBytes > keepBytes) {
      retainedBytes -= sizes[first] ?? 0;
      first += 1;
      head += 1;
    }
    if (first > 4096 && first * 2 > events.length) {
      events = events.slice(first);
      sizes = sizes.slice(first);
      first = 0;
    }
  };
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let rest = '';
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line);
    }
  } finally {
    fs.closeSync(fd);
  }
  rest += decoder.end();
  const torn = rest !== '';
  take(rest);
  if (skipped > 0) log(`[events] skipped ${skipped} unreadable line(s) in ${file}`);
  return {
    events: events.slice(first),
    sizes: sizes.slice(first),
    from: cursor + 1 - head,
    total,
    dropped: head > 0,
    torn,
  };
}

/** Replaces the record with `events` (whole or not at all); returns its size in bytes. */
export function writeRecord(file: string, events: readonly RecordedEvent[]): number {
  const text = events.map((e) => recordLine(e).line).join('');
  writeStateFile(file, text);
  return Buffer.byteLength(text);
}
