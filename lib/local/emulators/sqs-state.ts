/**
 * Snapshot and restore of local-aws-sqs's in-memory queues.
 *
 * The package keeps each queue's messages in a private class field, so they cannot be read
 * directly. Instead every queue is instrumented when it is created: `newRecord` (the single
 * place a message enters a queue: send, batch send, redrive to the DLQ, move task) reports the
 * entry object, which is the very object the queue keeps and mutates (visibility, receive count,
 * receipt handle); `receive` reports the receive counts it raised, before the caller is answered;
 * `delete` (a message of that queue actually removed) and `clearRecords` (purge, queue deletion)
 * report removals with their queue; a redrive is seen as the same MessageId entering the DLQ;
 * retention expiry is recomputed from SentTimestamp. Restoring goes through the same public
 * methods, so the package's own timers (delay, retention, visibility, redrive) govern restored
 * messages.
 *
 * Upstream bug patched here: the package's ChangeMessageVisibility goes through its receive
 * routine, which raises ApproximateReceiveCount (and sets the first-receive time of a message never
 * received), so a heartbeat or an early release pushed a message toward its DLQ. In SQS only
 * receives count: the wrapper puts both attributes back before the visibility timer can read them,
 * and a visibility change is not journaled (a restart ends every visibility timeout anyway).
 */
import type { Queue } from 'local-aws-sqs/dist/lib/queue';
import type { SqsService } from 'local-aws-sqs/dist/lib/sqsService';

/** A message as local-aws-sqs stores it (package internals, stable across 2.x). */
interface StoredRecord {
  MessageId: string;
  ReceiptHandle: string;
  attributes: Record<string, string>;
  [field: string]: unknown;
}
interface StoredEntry {
  visible: boolean;
  record: StoredRecord;
}
interface Tracked {
  entry: StoredEntry;
  delayedUntil: number;
}

export interface SavedMessage {
  record: StoredRecord;
  inFlight: boolean;
  delayedUntil: number;
}
export interface SavedQueue {
  QueueName: string;
  Attributes: Record<string, string>;
  tags: Record<string, string>;
  messages: SavedMessage[];
}
export interface SqsSnapshot {
  version: 1;
  queues: SavedQueue[];
}

/** Queue attributes CreateQueue accepts, i.e. what recreates the queue's configuration. */
const CONFIG_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Policy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];

/** A message's receive count, first-receive time and receipt handle after a receive. */
export interface ReceiveCount {
  readonly messageId: string;
  readonly receiveCount: string;
  readonly firstReceive: string;
  readonly receiptHandle: string;
}

/** Where the tracker reports each change as it happens (the write-ahead journal, sqs-journal.ts). */
export interface SqsChangeLog {
  created(queue: Omit<SavedQueue, 'messages'>): void;
  added(queueName: string, message: SavedMessage): void;
  /** Messages a receive just counted. */
  received(messages: readonly ReceiveCount[]): void;
  /** A message deleted from `queueName` (by DeleteMessage, a purge or the queue's deletion). */
  removed(queueName: string, messageId: string): void;
}

export class SqsStateTracker {
  private readonly tracked = new Map<Queue, Map<string, Tracked>>();
  /** Set once the saved state is restored: changes from then on are journaled. */
  changes: SqsChangeLog | undefined;

  constructor(private readonly service: SqsService) {}

  /** A queue's configuration as a snapshot keeps it. */
  configOf(queue: Queue): Omit<SavedQueue, 'messages'> {
    const all = queue.getAttributes(['All']) as Record<string, string>;
    const Attributes = Object.fromEntries(
      CONFIG_ATTRIBUTES.filter((a) => all[a] != null).map((a) => [a, String(all[a])]),
    );
    return { QueueName: queue.QueueName, Attributes, tags: { ...queue.Tags } };
  }

  /** The state to persist: every live queue's configuration and messages. */
  snapshot(now = Date.now()): SqsSnapshot {
    const queues = this.service.Queues.filter((q) => !this.service.deletingQueues.has(q.QueueName));
    return {
      version: 1,
      queues: queues.map((queue) => {
        const messages: SavedMessage[] = [];
        const tracked = this.tracked.get(queue) ?? new Map<string, Tracked>();
        for (const [id, { entry, delayedUntil }] of tracked) {
          if (expiresAt(queue, entry.record) <= now) tracked.delete(id);
          else messages.push({ record: entry.record, inFlight: !entry.visible, delayedUntil });
        }
        return { ...this.configOf(queue), messages };
      }),
    };
  }

  /**
   * Puts saved messages back into their (already recreated) queues. An in-flight message gets
   * its visibility timeout ended now, through the package's own ChangeMessageVisibility path:
   * it becomes visible again, or moves to the DLQ if it had used up maxReceiveCount. A delayed
   * message keeps what is left of its delay, times `delayFactor` (at most 1: never longer): a
   * restart at a faster TIME_SCALE shortens the real delay a campaign step timer was set with to
   * what its campaign time now takes (a delay that only ran in real time, a provider's retry,
   * merely comes sooner; a step that comes early sets its timer again, step-timers.ts).
   */
  restore(snapshot: SqsSnapshot, now = Date.now(), delayFactor = 1): number {
    const factor = Number.isFinite(delayFactor) ? Math.min(1, Math.max(0, delayFactor)) : 1;
    let restored = 0;
    for (const saved of snapshot.queues) {
      const queue = this.service.Queues.find((q) => q.QueueName === saved.QueueName);
      if (!queue) continue;
      for (const message of saved.messages) {
        const retentionLeft = (expiresAt(queue, message.record) - now) / 1000;
        if (retentionLeft <= 0) continue;
        const record = structuredClone(message.record);
        // newRecord arms the retention timer from the queue's period: give it what is left.
        const period = queue.MessageRetentionPeriod;
        queue.MessageRetentionPeriod = retentionLeft;
        try {
          queue.newRecord(record, (Math.max(0, message.delayedUntil - now) * factor) / 1000);
        } finally {
          queue.MessageRetentionPeriod = period;
        }
        if (message.inFlight) {
          // Through the wrapper of track(): the receive count and first-receive time are kept.
          try {
            queue.changeVisibility(record.ReceiptHandle, '0');
          } catch {
            // A receipt handle the package refuses (not one it made): visible now, its count kept.
          }
        }
        restored++;
      }
    }
    return restored;
  }

  /** Starts tracking a queue; must be called before any message enters it. */
  track(queue: Queue): void {
    const tracked = new Map<string, Tracked>();
    this.tracked.set(queue, tracked);
    this.changes?.created(this.configOf(queue));
    const newRecord = queue.newRecord;
    queue.newRecord = (message: Record<string, unknown>, delay?: number) => {
      const record = message as StoredRecord;
      const entry = newRecord(record, delay) as StoredEntry;
      const seconds = Number.isNaN(Number(delay)) ? queue.DelaySeconds : Number(delay);
      // A redrive re-enqueues the same MessageId on the DLQ after dropping it from the source.
      this.forget(record.MessageId);
      const delayedUntil = Date.now() + seconds * 1000;
      tracked.set(record.MessageId, { entry, delayedUntil });
      // Before the request is answered: a message the caller saw accepted survives a kill.
      this.changes?.added(queue.QueueName, { record: entry.record, inFlight: false, delayedUntil });
      return entry;
    };
    // Counted before the messages are handed out: a runtime killed by handling one (a poison
    // message) restarts with the receive counted, so maxReceiveCount crashes move it to the DLQ.
    const receive = queue.receive;
    queue.receive = async (params: Parameters<Queue['receive']>[0]) => {
      const records = (await receive.call(queue, params)) as StoredRecord[];
      this.changes?.received(records.map(receiveCountOf));
      return records;
    };
    // The package's visibility change raises the receive count (see the file's comment): it is put
    // back synchronously, before the (re)armed visibility timer can judge it against maxReceiveCount.
    const changeVisibility = queue.changeVisibility;
    queue.changeVisibility = (receiptHandle: string, timeout: string) => {
      const attributes = tracked.get(messageIdOf(receiptHandle) ?? '')?.entry.record.attributes;
      const kept = attributes && {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount,
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp,
      };
      try {
        return changeVisibility.call(queue, receiptHandle, timeout);
      } finally {
        if (attributes && kept) Object.assign(attributes, kept);
      }
    };
    // Journaled only when a message of this queue was removed, with the queue: a delete with a
    // stale handle (the message already moved to its DLQ, or deleted) removes nothing and must not
    // reach the journal, whose replay would drop the message from where it is now.
    const remove = queue.delete;
    queue.delete = (receiptHandle: string) => {
      const id = messageIdOf(receiptHandle);
      const present = id !== undefined && tracked.has(id);
      const removed = remove.call(queue, receiptHandle);
      if (present && removed) {
        tracked.delete(id);
        this.changes?.removed(queue.QueueName, id);
      }
      return removed;
    };
    const clear = queue.clearRecords;
    queue.clearRecords = () => {
      clear.call(queue);
      for (const id of tracked.keys()) this.changes?.removed(queue.QueueName, id);
      tracked.clear();
    };
  }

  private forget(messageId: string): void {
    for (const tracked of this.tracked.values()) tracked.delete(messageId);
  }
}

function receiveCountOf(record: StoredRecord): ReceiveCount {
  return {
    messageId: record.MessageId,
    receiveCount: String(record.attributes.ApproximateReceiveCount ?? '0'),
    firstReceive: String(record.attributes.ApproximateFirstReceiveTimestamp ?? ''),
    receiptHandle: record.ReceiptHandle,
  };
}

function expiresAt(queue: Queue, record: StoredRecord): number {
  return Number(record.attributes.SentTimestamp) + queue.MessageRetentionPeriod * 1000;
}

/** Receipt handles are base64(uuid + JSON { date, MessageId, QueueName }) in this package. */
function messageIdOf(receiptHandle: string): string | undefined {
  try {
    const text = Buffer.from(receiptHandle, 'base64').toString('utf8');
    return JSON.parse(text.slice(text.indexOf('{'))).MessageId;
  } catch {
    return undefined;
  }
}
