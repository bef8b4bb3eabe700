/**
 * The SES emulator's journal of accepted sends, so a send's events (Send, and its Delivery,
 * Bounce, Complaint) survive a stop or `kill -9` as they do in the cloud, where SES, EventBridge
 * and SQS are durable once SES answered. Locally the events leave from memory after the answer
 * (the outcomes a second later), and a stopped or killed runtime loses whatever had not reached
 * the local bus. The sender relies on the Send event (it acknowledges a send whose sender died
 * before `markSent`, docs/EMAIL.md "Exactly once"), the suppression list on the Bounce and
 * Complaint events.
 *
 * Design: every accepted send (with its tags, which the outbox does not keep) is appended here
 * synchronously before SendEmail is answered; as its events reach the bus (PutEvents answered:
 * the bus journals them and their rule deliveries itself, lib/local/event-bus.ts), a line notes
 * how many of them did (`{"published": id, "count": n}`, the events in `sesEventsOf` order). At
 * start, the sends accepted within `windowMs` before the newest one whose events did not all
 * reach the bus are `replay`ed: the publisher puts the rest of their events, before the functions
 * start. An event twice is harmless (a kill between the PutEvents answer and the line): the Send
 * event's acknowledgement is a conditional write that changes nothing on a record already sent,
 * and the outcome consumers are idempotent per event.
 *
 * The window: while the runtime runs, a send's events reach the bus within about a second of the
 * answer, so only the last moments before a stop or kill are at risk; 15 minutes is ample and
 * bounds the replay. The file is compacted to the sends still pending at start, and while the
 * runtime runs whenever it holds many more lines than pending sends.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { writeStateFile } from '../state-file';
import type { AcceptedSend } from './ses-events';

export const REPLAY_WINDOW_MS = 15 * 60 * 1000;
/** Compaction while running: once the file holds this many lines more than twice the pending sends. */
export const COMPACT_SLACK_LINES = 1000;
/** How soon progress lines are written (a kill before that publishes those events again). */
export const PROGRESS_WRITE_MS = 100;

export interface SendJournal {
  /** Appends `send` (synchronously: call it before the sender is answered). */
  record(send: AcceptedSend): void;
  /** The sends some of whose events had not reached the bus at the last stop (oldest first). */
  readonly replay: readonly AcceptedSend[];
  /** How many of the send's events (in `sesEventsOf` order) reached the bus already. */
  published(messageId: string): number;
  /** The send's first `count` events (of `total`) reached the bus. */
  markPublished(messageId: string, count: number, total: number): void;
  /** Sends whose events did not all reach the bus yet. */
  pending(): number;
  /** Writes the progress lines still waiting (they are written within {@link PROGRESS_WRITE_MS} anyway). */
  flush(): void;
}

type Line = AcceptedSend | { readonly published: string; readonly count: number };

export function sendJournal(file: string, windowMs = REPLAY_WINDOW_MS): SendJournal {
  /** Sends not fully published, by message id, in the order accepted, with how many events went. */
  const pending = new Map<string, { send: AcceptedSend; count: number }>();
  try {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // A torn last line: that send was never answered, or its events go again.
        continue;
      }
      if ('published' in line) {
        const entry = pending.get(line.published);
        // A `count` of -1: all of the send's events went.
        if (entry && line.count < 0) pending.delete(line.published);
        else if (entry && typeof line.count === 'number') entry.count = Math.max(entry.count, line.count);
        continue;
      }
      if (typeof line.messageId === 'string' && typeof line.atMs === 'number') {
        const { count, ...send } = line as AcceptedSend & { count?: number };
        pending.set(send.messageId, { send, count: typeof count === 'number' ? count : 0 });
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const newest = [...pending.values()].reduce((max, e) => Math.max(max, e.send.atMs), Number.NEGATIVE_INFINITY);
  for (const [id, entry] of pending) if (entry.send.atMs < newest - windowMs) pending.delete(id);
  const replay = [...pending.values()].map((e) => e.send);

  let lines = 0;
  const compact = () => {
    // Written whole or not at all: a kill mid-write keeps the old file.
    const text = [...pending.values()]
      .map(({ send, count }) => `${JSON.stringify(count > 0 ? { ...send, count } : send)}\n`)
      .join('');
    writeStateFile(file, text);
    lines = pending.size;
  };
  // Progress lines (`published`) wait a moment and go with the next write: losing them to a kill
  // only publishes those events again (consumers dedupe); a send's own line is written at once.
  let buffered = '';
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (buffered === '') return;
    appendFileSync(file, buffered);
    buffered = '';
    if (lines > 2 * pending.size + COMPACT_SLACK_LINES) compact();
  };
  const append = (line: Line, now = true) => {
    buffered += `${JSON.stringify(line)}\n`;
    lines += 1;
    if (now) flush();
    else flushTimer ??= setTimeout(flush, PROGRESS_WRITE_MS).unref();
  };
  compact();
  return {
    replay,
    record(send) {
      pending.set(send.messageId, { send, count: 0 });
      append(send);
    },
    published: (messageId) => pending.get(messageId)?.count ?? 0,
    markPublished(messageId, count, total) {
      const entry = pending.get(messageId);
      if (!entry || count <= entry.count) return;
      const done = count >= total;
      if (done) pending.delete(messageId);
      else entry.count = count;
      append({ published: messageId, count: done ? -1 : count }, false);
    },
    pending: () => pending.size,
    flush,
  };
}
