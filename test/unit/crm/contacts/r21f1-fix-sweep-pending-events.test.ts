/**
 * Review round 21 (r21f1): the sweep of contacts' pending events no write published
 * (`sweepPendingEvents`, run by functions/campaign-sweeper.ts), over an index and a publisher in
 * memory: what it loads, what it publishes, where a failure leaves the contacts.
 */
import { describe, expect, it } from 'vitest';
import {
  type ContactRef,
  type LeftBehindOutcome,
  PENDING_EVENTS_GRACE_MS,
  sweepPendingEvents,
} from '../../../../shared/crm/contacts/sweep-pending-events';

const NOW = new Date('2026-12-07T10:00:00.000Z');

/** An index of due contacts per shard, in order (`due` answers those due at or before `before`). */
function index(shards: Record<number, Array<ContactRef & { dueAt: number }>>) {
  const reads: Array<{ shard: number; before: Date }> = [];
  const moved: Array<{ contact: ContactRef; at: Date }> = [];
  return {
    reads,
    moved,
    due: async (shard: number, before: Date, limit: number, after?: unknown) => {
      reads.push({ shard, before });
      const all = (shards[shard] ?? []).filter((c) => c.dueAt <= before.getTime());
      const start = typeof after === 'number' ? after : 0;
      const page = all.slice(start, start + limit).map(({ workspaceId, contactId }) => ({ workspaceId, contactId }));
      return { contacts: page, ...(start + limit < all.length ? { next: start + limit } : {}) };
    },
    toBack: async (contacts: readonly ContactRef[], at: Date) => {
      for (const contact of contacts) moved.push({ contact, at });
      return 0;
    },
  };
}

const ref = (n: number, dueAt = NOW.getTime()) => ({ workspaceId: 'ws', contactId: `c${n}`, dueAt });

describe('r21f1: the sweep of pending contact events', () => {
  it('loads no publisher when nothing is due, and reads every shard up to now', async () => {
    // Prepare
    const due = index({ 0: [ref(1, NOW.getTime() + 1)] });
    let loads = 0;
    // Act
    const result = await sweepPendingEvents({
      shards: 4,
      due: due.due,
      toBack: due.toBack,
      now: () => NOW,
      publisher: async () => {
        loads += 1;
        return async () => 'published' as const;
      },
    });
    // Assess
    expect(loads).toBe(0);
    expect(due.reads.map((r) => r.shard)).toEqual([0, 1, 2, 3]);
    expect(due.reads.every((r) => r.before.getTime() === NOW.getTime())).toBe(true);
    expect(result).toEqual({ published: 0, settled: 0, shardsLeftOver: 0, notMoved: 0 });
  });

  it('publishes every due contact of every shard, page by page, loading the publisher once', async () => {
    // Prepare
    const due = index({ 0: [ref(1), ref(2), ref(3)], 2: [ref(4)], 3: [ref(5)] });
    const seen: string[] = [];
    let loads = 0;
    const outcomes: Record<string, LeftBehindOutcome> = { c4: 'settled', c5: 'gone' };
    // Act
    const result = await sweepPendingEvents({
      shards: 4,
      due: due.due,
      toBack: due.toBack,
      now: () => NOW,
      pageSize: 2,
      publisher: async () => {
        loads += 1;
        return async (c) => {
          seen.push(c.contactId);
          return outcomes[c.contactId] ?? 'published';
        };
      },
    });
    // Assess
    expect(loads).toBe(1);
    expect(seen.sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(result).toEqual({ published: 3, settled: 1, shardsLeftOver: 0, notMoved: 0 });
    expect(due.moved).toEqual([]);
  });

  it('a failed publish stops the run: that contact goes to the back (a grace later), the untried ones stay first in line', async () => {
    // Prepare: shard 0 holds c1 (fails), c2..c3; shard 1 holds c4.
    const due = index({ 0: [ref(1), ref(2), ref(3)], 1: [ref(4)] });
    const tried: string[] = [];
    const down = new Error('bus and queue down');
    // Act
    const result = await sweepPendingEvents({
      shards: 2,
      due: due.due,
      toBack: due.toBack,
      now: () => NOW,
      pageSize: 1,
      publisher: async () => async (c) => {
        tried.push(c.contactId);
        if (c.contactId === 'c1') throw down;
        return 'published';
      },
    });
    // Assess
    expect(tried).toEqual(['c1']);
    expect(due.moved).toEqual([
      { contact: { workspaceId: 'ws', contactId: 'c1' }, at: new Date(NOW.getTime() + PENDING_EVENTS_GRACE_MS) },
    ]);
    expect(result.error).toBe(down);
    expect(result.published).toBe(0);
    expect(due.reads.map((r) => r.shard)).toEqual([0]);
  });

  it('a shard whose read fails does not keep the others from being swept; the failure is answered', async () => {
    // Prepare
    const due = index({ 1: [ref(1)] });
    const broken = new Error('throttled');
    const published: string[] = [];
    // Act
    const result = await sweepPendingEvents({
      shards: 2,
      due: async (shard, before, limit, after) => {
        if (shard === 0) throw broken;
        return due.due(shard, before, limit, after);
      },
      toBack: due.toBack,
      now: () => NOW,
      publisher: async () => async (c) => {
        published.push(c.contactId);
        return 'published';
      },
    });
    // Assess
    expect(published).toEqual(['c1']);
    expect(result.error).toBe(broken);
    expect(result.published).toBe(1);
  });

  it('publishes at most its maximum a shard per run; the rest are left for the next run', async () => {
    // Prepare
    const due = index({ 0: [ref(1), ref(2), ref(3), ref(4), ref(5)] });
    const published: string[] = [];
    // Act
    const result = await sweepPendingEvents({
      shards: 1,
      due: due.due,
      toBack: due.toBack,
      now: () => NOW,
      pageSize: 2,
      maxPerShard: 3,
      publisher: async () => async (c) => {
        published.push(c.contactId);
        return 'published';
      },
    });
    // Assess
    expect(published).toEqual(['c1', 'c2', 'c3']);
    expect(result).toEqual({ published: 3, settled: 0, shardsLeftOver: 1, notMoved: 0 });
  });

  it('a publisher that fails to load stops the run and is answered', async () => {
    // Prepare
    const due = index({ 0: [ref(1)], 1: [ref(2)] });
    const broken = new Error('no EVENT_BUS_NAME');
    let loads = 0;
    // Act
    const result = await sweepPendingEvents({
      shards: 2,
      due: due.due,
      toBack: due.toBack,
      now: () => NOW,
      publisher: async () => {
        loads += 1;
        throw broken;
      },
    });
    // Assess
    expect(loads).toBe(1);
    expect(result.error).toBe(broken);
    expect(due.moved).toEqual([]);
  });
});
