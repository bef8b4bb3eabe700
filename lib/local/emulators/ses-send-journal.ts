/**
 * The SES emulator's journal of accepted sends, so a Send event survives `kill -9` as it does in
 * the cloud, where SES, EventBridge and SQS are durable once SES answered. Locally the event takes
 * two asynchronous hops after the answer (PutEvents to the local bus, the bus's rule delivery to
 * the `email-events` queue), and a killed runtime loses whatever was between them. The sender
 * relies on that event: it acknowledges a send whose sender died before `markSent`
 * (docs/EMAIL.md, "Exactly once").
 *
 * Design, the simplest correct one found: every accepted send (with its tags, which the outbox
 * does not keep) is appended here synchronously before SendEmail is answered; at start, the sends
 * accepted within `windowMs` before the newest one have their Send event published again, before
 * the functions start. A Send event twice is harmless: its acknowledgement is a conditional write
 * that changes nothing on a record already sent. "Queued before the answer" was the alternative:
 * it would need the emulator to wait for the bus's asynchronous rule delivery, which nothing
 * reports back, or to write the `email-events` queue itself past the declared rule.
 *
 * The window: while the runtime runs, a Send event reaches the queue within milliseconds of the
 * answer (the bus retries a failed delivery for as long as it runs), so only the last moments
 * before a kill are at risk; 15 minutes is ample and bounds the replay (and the file, compacted to
 * it at start) on an ordinary restart.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AcceptedSend } from './ses-events';

export const REPLAY_WINDOW_MS = 15 * 60 * 1000;

export interface SendJournal {
  /** Appends `send` (synchronously: call it before the sender is answered). */
  record(send: AcceptedSend): void;
  /** The sends whose Send event is published again at start (oldest first). */
  readonly replay: readonly AcceptedSend[];
}

export function sendJournal(file: string, windowMs = REPLAY_WINDOW_MS): SendJournal {
  const sends: AcceptedSend[] = [];
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const send = JSON.parse(line) as AcceptedSend;
        if (typeof send.messageId === 'string' && typeof send.atMs === 'number') sends.push(send);
      } catch {
        // A torn last line: that send was never answered.
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const newest = sends.reduce((max, s) => Math.max(max, s.atMs), Number.NEGATIVE_INFINITY);
  const replay = sends.filter((s) => s.atMs >= newest - windowMs);
  // Compacted to the window (written aside, then renamed: a kill mid-write keeps the old file).
  writeFileSync(`${file}.tmp`, replay.map((s) => `${JSON.stringify(s)}\n`).join(''));
  renameSync(`${file}.tmp`, file);
  return {
    replay,
    record(send) {
      appendFileSync(file, `${JSON.stringify(send)}\n`);
    },
  };
}
