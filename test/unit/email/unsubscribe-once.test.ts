/**
 * Review round 12 (test/e2e/unsubscribe-concurrent.test.ts): `honourUnsubscribe` read the
 * suppressions, then wrote them unconditionally, so every request of one link that read before
 * the first write also withdrew consent, wrote an audit entry and appended `unsubscribed`; and a
 * failing timeline write (409 SCORE_CONFLICT) became the answer of a POST whose opt-out was stored.
 *
 * Now the opt-outs are added only by the write that finds them absent, in one transaction with the
 * consent withdrawal and the audit entry (a request that loses reads again and finds `already`,
 * or what is still lacking); the timeline entry follows, best effort, its id and time kept with the
 * opt-out until recorded, so a request that died or failed there leaves it for a later one.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  honourUnsubscribe,
  REDRIVE_AFTER_MS,
  type UnsubscribeChoice,
  type UnsubscribeDeps,
  unsubscribeFor,
} from '../../../shared/email/unsubscribe';
import { memoryOptOuts } from './memory-opt-outs';

const key = randomBytes(32);
const WS = 'ws-1';
const NOW = new Date('2026-12-04T10:00:00Z');
const token = unsubscribeFor(
  { baseUrl: 'https://app.example.com', key },
  { workspaceId: WS, sendId: 'send-1', email: 'ada@example.com', contactId: 'c-ada' },
).url.split('/u/')[1] as string;

/** The first `n` writes wait for each other: every request has read before any writes. */
function barrier(n: number) {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === n) open();
    if (arrived <= n) await opened;
  };
}

function world(options: { beforeWrite?: () => Promise<void> } = {}) {
  const memory = memoryOptOuts(options);
  const timeline: Array<{ id: string; at: string; metadata: Record<string, unknown> }> = [];
  let wallClock = NOW.getTime();
  let failTimeline: Error | undefined;
  const deps: UnsubscribeDeps = {
    key,
    suppressions: memory.store,
    recordUnsubscribed: async (_ws, _contact, metadata, entry) => {
      if (failTimeline) throw failTimeline;
      // Stored once per id, as recordInteraction with the caller's id and time.
      if (!timeline.some((t) => t.id === entry.interactionId)) {
        timeline.push({ id: entry.interactionId, at: entry.occurredAt.toISOString(), metadata });
      }
    },
    now: () => NOW,
    wallClockMs: () => wallClock,
    topics: async () => ['news', 'product'],
  };
  return {
    deps,
    memory,
    timeline,
    later: (ms: number) => {
      wallClock += ms;
    },
    failTimeline: (error: Error | undefined) => {
      failTimeline = error;
    },
  };
}

const topics = (...ids: string[]): UnsubscribeChoice => ({ scope: 'topics', topics: ids });

describe('honourUnsubscribe, requests of one link at once', () => {
  it('requests that all read before any wrote: one opt-out, one withdrawal, one audit entry, one timeline entry', async () => {
    const w = world({ beforeWrite: barrier(5) });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => honourUnsubscribe(w.deps, token)));
    expect(outcomes.filter((o) => o.status === 'unsubscribed' && o.already)).toHaveLength(4);
    expect(outcomes).toContainEqual({ status: 'unsubscribed', already: false });
    expect(w.memory.consent).toHaveLength(1);
    expect(w.memory.audits).toHaveLength(1);
    expect(w.timeline).toEqual([
      {
        id: w.memory.consent[0]?.consentId,
        at: NOW.toISOString(),
        metadata: { sendId: 'send-1', via: 'list-unsubscribe' },
      },
    ]);
    expect(w.memory.unrecorded(WS, 'c-ada')).toEqual([]);
  });

  it('a request that lost to another adds what is still lacking, and records only that', async () => {
    const w = world({ beforeWrite: barrier(2) });
    const [both, one] = await Promise.all([
      honourUnsubscribe(w.deps, token, {}, topics('news', 'product')),
      honourUnsubscribe(w.deps, token, {}, topics('news')),
    ]);
    // Whichever wrote first, `news` is withdrawn once and `product` once.
    const withdrawn = w.memory.consent.flatMap((c) => c.scope as string[]).sort();
    expect(withdrawn).toEqual(['news', 'product']);
    expect([both, one].flatMap((o) => (o.status === 'unsubscribed' ? (o.topics ?? []) : [])).sort()).toEqual([
      'news',
      'product',
    ]);
    expect(w.memory.byContact(WS, 'c-ada').sort()).toEqual(['unsubscribe:topic:news', 'unsubscribe:topic:product']);
    expect(w.timeline).toHaveLength(w.memory.consent.length);
  });
});

describe('honourUnsubscribe, the timeline entry after the opt-out', () => {
  it('a failing timeline write (a score conflict) is no failure of the unsubscribe: the entry waits on the opt-out', async () => {
    const w = world();
    w.failTimeline(new Error('The score of contact c-ada kept changing; try again'));
    expect(await honourUnsubscribe(w.deps, token)).toEqual({ status: 'unsubscribed', already: false });
    expect(w.memory.byContact(WS, 'c-ada')).toEqual(['unsubscribe']);
    expect(w.memory.consent).toHaveLength(1);
    expect(w.memory.audits).toHaveLength(1);
    expect(w.memory.unrecorded(WS, 'c-ada')).toEqual([
      {
        id: w.memory.consent[0]?.consentId,
        atMs: NOW.getTime(),
        writtenAtMs: NOW.getTime(),
        metadata: { sendId: 'send-1', via: 'list-unsubscribe' },
      },
    ]);
  });

  it('a request that died after the opt-out: a retry at once changes nothing, a later one records the entry under its id and time', async () => {
    const w = world();
    w.failTimeline(new Error('killed'));
    await honourUnsubscribe(w.deps, token, {}, topics('news'));
    w.failTimeline(undefined);
    const [left] = w.memory.unrecorded(WS, 'c-ada');
    // At once: the first request may still be running; nothing is written or recorded.
    w.later(REDRIVE_AFTER_MS - 1);
    expect(await honourUnsubscribe(w.deps, token, {}, topics('news'))).toEqual({
      status: 'unsubscribed',
      already: true,
      topics: [],
    });
    expect(w.timeline).toEqual([]);
    // Later: recorded once, under the opt-out's id and time, with its metadata; then forgotten.
    w.later(1);
    await honourUnsubscribe(w.deps, token, {}, topics('news'));
    await honourUnsubscribe(w.deps, token, {}, topics('news'));
    expect(w.timeline).toEqual([
      { id: left?.id, at: NOW.toISOString(), metadata: { sendId: 'send-1', via: 'preferences', topics: ['news'] } },
    ]);
    expect(w.memory.unrecorded(WS, 'c-ada')).toEqual([]);
    // Any later request records no more, and no second withdrawal or audit entry.
    expect(w.memory.consent).toHaveLength(1);
    expect(w.memory.audits).toHaveLength(1);
  });

  it('a new opt-out also leaves an older entry alone until its wait is over, then records each once', async () => {
    const w = world();
    w.failTimeline(new Error('killed'));
    await honourUnsubscribe(w.deps, token, {}, topics('news'));
    w.failTimeline(undefined);
    // A one-click at once: its own entry recorded, the left one not yet.
    await honourUnsubscribe(w.deps, token);
    expect(w.timeline.map((t) => t.metadata.via)).toEqual(['list-unsubscribe']);
    w.later(REDRIVE_AFTER_MS);
    await honourUnsubscribe(w.deps, token);
    expect(w.timeline.map((t) => t.metadata.via)).toEqual(['list-unsubscribe', 'preferences']);
    expect(w.memory.unrecorded(WS, 'c-ada')).toEqual([]);
  });

  it('forgetting a recorded entry that fails is logged: the entry is recorded again later, once', async () => {
    const w = world();
    const store = w.deps.suppressions;
    let forgetFails = true;
    const deps: UnsubscribeDeps = {
      ...w.deps,
      suppressions: {
        ...store,
        unsubscribeRecorded: async (...args) => {
          if (forgetFails) throw new Error('throttled');
          return store.unsubscribeRecorded(...args);
        },
      },
    };
    expect(await honourUnsubscribe(deps, token)).toEqual({ status: 'unsubscribed', already: false });
    expect(w.memory.unrecorded(WS, 'c-ada')).toHaveLength(1);
    forgetFails = false;
    w.later(REDRIVE_AFTER_MS);
    await honourUnsubscribe(deps, token);
    expect(w.timeline).toHaveLength(1);
    expect(w.memory.unrecorded(WS, 'c-ada')).toEqual([]);
  });
});
