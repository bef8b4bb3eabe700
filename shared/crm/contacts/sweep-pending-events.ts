/**
 * The safety net of contacts' pending domain events (pending-events.ts): what no write published.
 * A contact write that records pending events puts the contact in a sparse, sharded due index, due
 * {@link PENDING_EVENTS_GRACE_MS} after the write (in the write itself); the publish that empties
 * them takes it out (in its own UpdateItem). A contact still there when due was left behind: its
 * write landed and then the process died before publishing, or the bus and the queue both failed and
 * the request (a create or a PATCH answered 503 EVENTS_UNAVAILABLE, a restore) was never retried, or
 * an interaction kept its events on it; and no later write published them. The campaign sweeper
 * (functions/campaign-sweeper.ts, every 5 minutes) reads each shard's due contacts, oldest first, and
 * publishes each one's pending events as every publisher does ({@link publishLeftBehind}:
 * `publishableOf`, the same ids), which takes it out of the index.
 *
 * The bound: a pending event no write published goes out at the first sweep run at or after its due
 * time, so within the grace plus one schedule period (5 + 5 = 10 minutes) of the last write that
 * recorded events on the contact, while the bus or the queue takes it and the overdue contacts fit
 * one run ({@link SWEEP_MAX_CONTACTS_PER_SHARD} a shard; the rest go out in the next runs). A contact
 * whose publish fails goes to the back of its shard (due a grace later) and the run stops publishing
 * (the bus and the queue are down: every other publish would fail the same way); the run fails, and
 * says so. A contact deleted meanwhile, or left with nothing pending, is taken out unpublished (its
 * restore puts it back). Each event is published once as far as the outbox gives: the sweep and a
 * writer that publishes the same contact at once (only possible after the grace) may both publish an
 * event, under the same `eventId`, which consumers dedupe on.
 */
import { mapLimit } from '../../resilience/map-limit';

/**
 * How long after the write that recorded them a contact's pending events are due for the sweep: the
 * writer's own publish (milliseconds after the write) and a client's retry of a 503 (`Retry-After`:
 * 5 s) come first. A create retried later than the sweep's publish is answered 409 naming the contact.
 */
export const PENDING_EVENTS_GRACE_MS = 5 * 60_000;

/** Contacts the sweep publishes per shard and run at most (pages of {@link SWEEP_PAGE_SIZE}); the rest wait for the next run. */
export const SWEEP_MAX_CONTACTS_PER_SHARD = 250;
const SWEEP_PAGE_SIZE = 50;
/** Contacts published at once (each a GetItem, a PutEvents and an UpdateItem). */
const SWEEP_CONCURRENCY = 8;

/** A contact, as its due index entry names it. */
export interface ContactRef {
  readonly workspaceId: string;
  readonly contactId: string;
}

/**
 * What became of a due contact: its events `published` (those still true; the others dropped), or it
 * was `settled` (taken out unpublished: deleted, or nothing pending any more), or `gone`.
 */
export type LeftBehindOutcome = 'published' | 'settled' | 'gone';

export interface PendingEventsSweepDeps {
  readonly shards: number;
  /** A page of the shard's contacts due at or before `before`, oldest first; `after` is the previous page's `next`. */
  due(shard: number, before: Date, limit: number, after?: unknown): Promise<{ contacts: ContactRef[]; next?: unknown }>;
  /**
   * What publishes one due contact (publish-left-behind.ts, with the contacts store and the events
   * publisher): asked for at the first contact due, so a run that finds none loads neither.
   */
  publisher(): Promise<(contact: ContactRef) => Promise<LeftBehindOutcome>>;
  /** Moves the entries of `contacts` to `at` (their publish failed); answers how many stayed where they were. */
  toBack(contacts: readonly ContactRef[], at: Date): Promise<number>;
  /** Real time now (the index holds real times). */
  now(): Date;
  readonly maxPerShard?: number;
  readonly pageSize?: number;
}

export interface PendingEventsSweep {
  /** Contacts whose pending events went out (or were dropped as no longer true). */
  readonly published: number;
  /** Contacts taken out of the index unpublished (deleted, or nothing pending). */
  readonly settled: number;
  /** Shards with more due contacts than one run publishes. */
  readonly shardsLeftOver: number;
  /** Failed contacts whose entry could not be moved back (swept first again next run). */
  readonly notMoved: number;
  /** The first failure: of a publish (the run then stopped publishing), or of a shard's read. */
  readonly error?: unknown;
}

/**
 * Publishes the pending events of every due contact, shard by shard, page by page, oldest first. A
 * shard whose read fails does not stop the others; a publish that fails stops the run's publishing
 * (contacts not yet tried stay where they are, first in line next run) and its contact goes to the
 * back of its shard. The first failure is answered in `error`.
 */
export async function sweepPendingEvents(deps: PendingEventsSweepDeps): Promise<PendingEventsSweep> {
  const now = deps.now();
  const max = deps.maxPerShard ?? SWEEP_MAX_CONTACTS_PER_SHARD;
  const pageSize = deps.pageSize ?? SWEEP_PAGE_SIZE;
  let published = 0;
  let settled = 0;
  let shardsLeftOver = 0;
  let notMoved = 0;
  let error: unknown;
  let publishFailed = false;
  let publishOne: ((contact: ContactRef) => Promise<LeftBehindOutcome>) | undefined;
  for (let shard = 0; shard < deps.shards && !publishFailed; shard += 1) {
    let seen = 0;
    let after: unknown;
    try {
      do {
        const page = await deps.due(shard, now, Math.min(pageSize, max - seen), after);
        seen += page.contacts.length;
        after = page.next;
        if (page.contacts.length === 0) continue;
        // Loaded once, at the first contact due; a load that fails stops the run as a publish would.
        publishOne ??= await deps.publisher().catch((failure: unknown) => {
          publishFailed = true;
          throw failure;
        });
        const publish = publishOne;
        const failed: ContactRef[] = [];
        await mapLimit(page.contacts, SWEEP_CONCURRENCY, async (contact) => {
          if (publishFailed) return;
          try {
            const outcome = await publish(contact);
            if (outcome === 'published') published += 1;
            else if (outcome === 'settled') settled += 1;
          } catch (failure) {
            publishFailed = true;
            error ??= failure;
            failed.push(contact);
          }
        });
        if (failed.length > 0) {
          const back = new Date(now.getTime() + PENDING_EVENTS_GRACE_MS);
          notMoved += await deps.toBack(failed, back).catch(() => failed.length);
        }
      } while (after !== undefined && seen < max && !publishFailed);
      if (after !== undefined && !publishFailed) shardsLeftOver += 1;
    } catch (failure) {
      // This shard's read failed: the others are still swept.
      error ??= failure;
    }
  }
  return { published, settled, shardsLeftOver, notMoved, ...(error !== undefined ? { error } : {}) };
}
