/**
 * The Resend stand-in's journal of the emails it took, so what it owes survives a stop or
 * `kill -9` as it does at Resend, which retries a webhook for about a day: each email's webhooks
 * (email.sent, email.delivered, email.bounced, email.suppressed, email.complained) leave from memory after the
 * answer, and a runtime stopped in that moment (the API stops listening before the stand-in does)
 * or killed would lose them, so a hard bounce would never suppress its address. The same journal
 * keeps the outbox and its idempotency keys whole between two snapshots: a send retried after a
 * kill with the same `Idempotency-Key` answers the first id, nothing stored or sent twice.
 *
 * Design (as ses-send-journal.ts): every email taken is appended synchronously, with its webhooks
 * (each with its Svix id, so a webhook sent again is the same event to the API, which dedupes on
 * it) and its request's fingerprint, before `POST /emails` is answered. Each webhook delivered,
 * or given up, adds a line `{"done": <svix id>}`, written within {@link DONE_WRITE_MS} (a kill
 * before that sends it again: harmless). At start, emails the snapshot lacks go back into the
 * outbox (with their keys), and the webhooks still owed are sent once the runtime gives the URL.
 * An email stays in the journal until its webhooks are all done and a snapshot holding it is on
 * the disk; the file is compacted to those at start, at `/clear-store`, and while the stand-in
 * runs whenever it holds many more lines than emails kept.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { writeStateFile } from '../state-file';

/** Webhooks of emails taken longer than this before the newest one are given up at start. */
export const WEBHOOK_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Compaction while running: once the file holds this many lines more than twice the emails kept. */
export const COMPACT_SLACK_LINES = 1000;
/** How soon `done` lines are written (a kill before that sends those webhooks again). */
export const DONE_WRITE_MS = 100;

/** One webhook owed: its Svix id (the same at every attempt and after a restart) and its body. */
export interface OwedWebhook {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** What the journal needs of an outbox record. */
export interface JournaledEmail {
  readonly id: string;
  readonly created_at: string;
  readonly idempotency_key?: string;
}

export interface TakenLine<E extends JournaledEmail> {
  readonly email: E;
  /** The request's fingerprint, with `email.idempotency_key`. */
  readonly fingerprint?: string;
  /** The webhooks still owed, in the order they go. */
  readonly hooks: readonly OwedWebhook[];
  /** Gone from the outbox (`/clear-store`): its webhooks are still owed, the email is not restored. */
  readonly cleared?: true;
}

export interface ResendJournal<E extends JournaledEmail> {
  /**
   * Puts the journaled emails `emails` (the snapshot's) lacks back at its end, and their keys into
   * `idempotency`, and compacts the file; returns how many. Called once, at start.
   */
  restore(emails: E[], idempotency: Map<string, { id: string; fingerprint: string }>): number;
  /** The webhooks owed at start, by email, oldest email first. */
  readonly owed: ReadonlyArray<{ readonly emailId: string; readonly hooks: readonly OwedWebhook[] }>;
  /** Appends a taken email with its webhooks (synchronously: call it before the send is answered). */
  record(line: TakenLine<E>): void;
  /** A webhook was delivered or given up: it is owed no more. */
  done(hookId: string): void;
  /** A token for what is journaled now; give it to {@link snapshotted} once a snapshot taken now is on the disk. */
  mark(): number;
  /** The emails journaled up to `mark` are in a snapshot on the disk. */
  snapshotted(mark: number): void;
  /** The outbox was emptied: no journaled email is restored any more (their webhooks are still owed). */
  cleared(): void;
  /** Webhooks owed now. */
  pending(): number;
  /** Writes the `done` lines still waiting. */
  flush(): void;
}

type Line<E extends JournaledEmail> = TakenLine<E> | { readonly done: string };

interface Entry<E extends JournaledEmail> {
  email: E;
  fingerprint?: string;
  hooks: OwedWebhook[];
  cleared: boolean;
  /** Order of recording; `<= covered` once a snapshot holding the email is on the disk. */
  seq: number;
}

export function resendJournal<E extends JournaledEmail>(
  file: string,
  log: (msg: string) => void,
  windowMs = WEBHOOK_WINDOW_MS,
): ResendJournal<E> {
  const entries = new Map<string, Entry<E>>();
  /** Svix id -> email id, for the webhooks owed. */
  const owner = new Map<string, string>();
  let seq = 0;
  let covered = 0;
  try {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let line: Line<E>;
      try {
        line = JSON.parse(text) as Line<E>;
      } catch {
        // A torn last line: that send was never answered (the sender retries it).
        continue;
      }
      if ('done' in line) {
        const entry = entries.get(owner.get(line.done) ?? '');
        if (entry) entry.hooks = entry.hooks.filter((h) => h.id !== line.done);
        owner.delete(line.done);
        continue;
      }
      if (typeof line.email?.id !== 'string' || !Array.isArray(line.hooks)) continue;
      entries.set(line.email.id, {
        email: line.email,
        ...(line.fingerprint === undefined ? {} : { fingerprint: line.fingerprint }),
        hooks: [...line.hooks],
        cleared: line.cleared === true,
        seq: ++seq,
      });
      for (const hook of line.hooks) owner.set(hook.id, line.email.id);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const takenAt = (e: Entry<E>) => Date.parse(e.email.created_at) || 0;
  const newest = [...entries.values()].reduce((max, e) => Math.max(max, takenAt(e)), Number.NEGATIVE_INFINITY);
  let givenUp = 0;
  for (const entry of entries.values()) {
    if (takenAt(entry) >= newest - windowMs) continue;
    givenUp += entry.hooks.length;
    for (const hook of entry.hooks) owner.delete(hook.id);
    entry.hooks = [];
  }
  if (givenUp > 0) log(`resend: ${givenUp} webhook(s) owed for more than a day given up`);
  const owed = [...entries.values()]
    .filter((e) => e.hooks.length > 0)
    .map((e) => ({ emailId: e.email.id, hooks: [...e.hooks] }));

  let lines = 0;
  const compact = () => {
    // Written whole or not at all: a kill mid-write keeps the old file.
    const text = [...entries.values()]
      .map(({ email, fingerprint, hooks, cleared }) => {
        const line: TakenLine<E> = {
          email,
          ...(fingerprint === undefined ? {} : { fingerprint }),
          hooks,
          ...(cleared ? { cleared: true as const } : {}),
        };
        return `${JSON.stringify(line)}\n`;
      })
      .join('');
    writeStateFile(file, text);
    lines = entries.size;
  };
  /** Forgets an email once nothing of it is owed and a snapshot on the disk holds it (or it was cleared). */
  const settle = (entry: Entry<E>) => {
    if (entry.hooks.length === 0 && (entry.cleared || entry.seq <= covered)) entries.delete(entry.email.id);
  };
  let buffered = '';
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (buffered === '') return;
    appendFileSync(file, buffered);
    buffered = '';
    if (lines > 2 * entries.size + COMPACT_SLACK_LINES) compact();
  };
  const append = (line: Line<E>, now: boolean) => {
    buffered += `${JSON.stringify(line)}\n`;
    lines += 1;
    if (now) flush();
    else flushTimer ??= setTimeout(flush, DONE_WRITE_MS).unref();
  };

  return {
    restore(emails, idempotency) {
      const present = new Set(emails.map((e) => e.id));
      let restored = 0;
      for (const entry of entries.values()) {
        if (present.has(entry.email.id) || entry.cleared) {
          // Already in the snapshot on the disk.
          entry.seq = 0;
        } else {
          emails.push(entry.email);
          restored += 1;
          const key = entry.email.idempotency_key;
          if (key !== undefined && entry.fingerprint !== undefined && !idempotency.has(key)) {
            idempotency.set(key, { id: entry.email.id, fingerprint: entry.fingerprint });
          }
        }
        settle(entry);
      }
      compact();
      return restored;
    },
    owed,
    record(line) {
      // On the disk before it counts: an append that fails leaves nothing taken (the send gets a 500).
      flush();
      appendFileSync(file, `${JSON.stringify(line)}\n`);
      lines += 1;
      entries.set(line.email.id, {
        email: line.email,
        ...(line.fingerprint === undefined ? {} : { fingerprint: line.fingerprint }),
        hooks: [...line.hooks],
        cleared: false,
        seq: ++seq,
      });
      for (const hook of line.hooks) owner.set(hook.id, line.email.id);
      if (lines > 2 * entries.size + COMPACT_SLACK_LINES) compact();
    },
    done(hookId) {
      const emailId = owner.get(hookId);
      if (emailId === undefined) return;
      owner.delete(hookId);
      const entry = entries.get(emailId);
      if (entry) {
        entry.hooks = entry.hooks.filter((h) => h.id !== hookId);
        settle(entry);
      }
      append({ done: hookId }, false);
    },
    mark: () => seq,
    snapshotted(mark) {
      if (mark <= covered) return;
      covered = mark;
      for (const entry of [...entries.values()]) settle(entry);
    },
    cleared() {
      for (const entry of [...entries.values()]) {
        entry.cleared = true;
        settle(entry);
      }
      buffered = '';
      compact();
    },
    pending: () => owner.size,
    flush,
  };
}
