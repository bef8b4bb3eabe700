/**
 * A write-ahead journal for the SQS emulator, so a killed runtime (`kill -9`) loses no message and
 * forgets no receive: every message that enters a queue, every receive (the message's new receive
 * count) and every delete that removed a message (with the queue it left) is appended
 * (synchronously, before the answer goes out) to `sqs.journal.<generation>.jsonl` beside the
 * snapshot. A snapshot names the generation that follows it; restoring replays the journals from
 * that generation onward over the snapshot. After a snapshot is written, older journals are removed.
 *
 * Receives are journaled so that a message whose handling kills the runtime (a poison message)
 * still counts toward its queue's maxReceiveCount: after that many crashes it is in the DLQ, as in
 * AWS, instead of being received (and killing the runtime) at every start.
 *
 * A write() reaches the operating system before the request is answered, so it survives the
 * process being killed (not a power cut: there is no fsync per entry; the snapshots are fsync'd).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SavedMessage, SavedQueue, SqsChangeLog, SqsSnapshot } from './sqs-state';

type Entry =
  /** A queue created (its configuration). */
  | { readonly c: Omit<SavedQueue, 'messages'> }
  | { readonly a: string; readonly m: SavedMessage }
  /** A receive: the message's receive count, first-receive time and receipt handle after it (it is in flight). */
  | { readonly r: string; readonly n: string; readonly f: string; readonly h: string }
  /**
   * A message removed from queue `q` (a delete that removed it, a purge, the queue's deletion).
   * Entries written before the queue was recorded have no `q`; they keep their old reading (the id
   * dropped from every queue): they only live until the snapshot written at the next start.
   */
  | { readonly x: string; readonly q?: string };

export interface SqsJournal extends SqsChangeLog {
  /** Starts a new generation if the current one holds entries; the generation the next snapshot must name. */
  rotate(): number;
  /** Removes the journals before `generation` (a snapshot naming it is on disk). */
  prune(generation: number): void;
  close(): void;
}

const FILE = /^sqs\.journal\.(\d+)\.jsonl$/;
const fileOf = (dir: string, generation: number) => path.join(dir, `sqs.journal.${generation}.jsonl`);

function generations(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => FILE.exec(name)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The snapshot with every journal from `snapshot.journalFrom` (0 without a snapshot) replayed:
 * an entered message replaces any copy of its id (a redrive moves a message to its DLQ), a receive
 * sets its receive count and marks it in flight, a delete drops it from the queue it was deleted
 * from (a dead-lettered copy in the DLQ stays). A torn last line (killed mid-write) is skipped.
 */
export function replayJournals(dir: string, snapshot: (SqsSnapshot & { journalFrom?: number }) | undefined) {
  const queues = new Map((snapshot?.queues ?? []).map((q) => [q.QueueName, { ...q, messages: [...q.messages] }]));
  const from = snapshot?.journalFrom ?? 0;
  let replayed = 0;
  const drop = (id: string, from?: string) => {
    for (const [name, q] of queues) {
      if (from === undefined || name === from) q.messages = q.messages.filter((m) => m.record.MessageId !== id);
    }
  };
  const received = ({ r: id, n: count, f: first, h: handle }: { r: string; n: string; f: string; h: string }) => {
    for (const q of queues.values()) {
      q.messages = q.messages.map((m) =>
        m.record.MessageId === id
          ? {
              ...m,
              inFlight: true,
              record: {
                ...m.record,
                ReceiptHandle: handle,
                attributes: {
                  ...m.record.attributes,
                  ApproximateReceiveCount: count,
                  ApproximateFirstReceiveTimestamp: first,
                },
              },
            }
          : m,
      );
    }
  };
  for (const generation of generations(dir).filter((g) => g >= from)) {
    for (const line of fs.readFileSync(fileOf(dir, generation), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        continue;
      }
      replayed += 1;
      if ('x' in entry) {
        drop(entry.x, entry.q);
        continue;
      }
      if ('r' in entry) {
        received(entry);
        continue;
      }
      if ('c' in entry) {
        if (!queues.has(entry.c.QueueName)) queues.set(entry.c.QueueName, { ...entry.c, messages: [] });
        continue;
      }
      const queue = queues.get(entry.a);
      if (!queue) continue;
      drop(entry.m.record.MessageId);
      queue.messages.push(entry.m);
    }
  }
  const merged: SqsSnapshot = { version: 1, queues: [...queues.values()] };
  return { snapshot: merged, replayed, nextGeneration: Math.max(from, ...generations(dir), 0) + 1 };
}

/** Opens the journal at `generation` (a fresh file) in `dir`. */
export function openJournal(dir: string, generation: number): SqsJournal {
  fs.mkdirSync(dir, { recursive: true });
  let current = generation;
  let fd = fs.openSync(fileOf(dir, current), 'a');
  let entries = 0;
  const write = (...batch: Entry[]) => {
    if (batch.length === 0) return;
    fs.writeSync(fd, batch.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    entries += batch.length;
  };
  return {
    created: (queue) => write({ c: queue }),
    added: (queueName, message) => write({ a: queueName, m: message }),
    received: (messages) =>
      write(
        ...messages.map(({ messageId, receiveCount, firstReceive, receiptHandle }) => ({
          r: messageId,
          n: receiveCount,
          f: firstReceive,
          h: receiptHandle,
        })),
      ),
    removed: (queueName, messageId) => write({ x: messageId, q: queueName }),
    rotate() {
      if (entries === 0) return current;
      fs.closeSync(fd);
      current += 1;
      fd = fs.openSync(fileOf(dir, current), 'a');
      entries = 0;
      return current;
    },
    prune(before) {
      for (const g of generations(dir)) if (g < before) fs.rmSync(fileOf(dir, g), { force: true });
    },
    close() {
      fs.closeSync(fd);
    },
  };
}
