/**
 * The sweep (`sweepDueSteps`, functions/campaign-sweeper.ts) as the last resort for lost timers.
 *
 * Review round 13 suspicions, proven here first (both failed at 3c0df96):
 *  - starvation: the sweep re-sent at most `maxPerShard` entries a shard, oldest first, every run
 *    from the oldest. A step that keeps failing with an error that is not one of ours (a service
 *    down, a bug) stays waiting at its due time, at the front of its shard: with as many such
 *    steps as the maximum, a newer overdue step (its timer lost) was never re-sent, run after run.
 *    Now a run that stops at the maximum leaves its place (`cursors`) and the next run goes on
 *    after it;
 *  - under TIME_SCALE the 2-minute grace was campaign time (33 ms real at 3600x): every step
 *    still waiting in the queue or its SQS delay was re-sent at every run. Now the grace is real
 *    time, widened by the scale.
 */
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DripStepMessage, StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { SWEEP_GRACE_MS, type SweepCursors, sweepDueSteps } from '../../../shared/campaigns/resume-and-sweep';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { scaledClock } from '../../../shared/clock';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const WAIT_THEN_MAIL = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const enrolMsg = (contactId: string) => ({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' });
const mailed = (w: World, contactId: string) => [...w.sends.values()].some((s) => s.contactId === contactId);

/**
 * The due index as DynamoDB answers it: waiting enrolments due by `before`, by (due time, key),
 * `limit` a page, `next` the last key read whenever the page is full, `after` exclusive (a key
 * that left the index meanwhile is still a place to start after).
 */
const dueIndex = (w: World) => async (_shard: number, before: Date, limit: number, after?: unknown) => {
  const keyOf = (e: EnrolmentState) => `${e.dueAt}#${e.contactId}`;
  const page = [...w.enrolments.values()]
    .filter((e) => e.status === 'waiting' && e.dueAt !== undefined && e.dueAt <= before.toISOString())
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
    .filter((e) => after === undefined || keyOf(e) > String(after))
    .slice(0, limit);
  const last = page.at(-1);
  return { enrolments: page, ...(page.length === limit && last ? { next: keyOf(last) } : {}) };
};

const memoryCursors = (): SweepCursors => {
  const places = new Map<number, unknown>();
  return {
    get: async (shard) => places.get(shard),
    set: async (shard, after) => {
      if (after === undefined) places.delete(shard);
      else places.set(shard, after);
    },
  };
};

describe('the sweep under steps that keep failing', () => {
  it('re-sends a newer overdue step though as many older ones as its maximum keep failing', async () => {
    const w = campaignWorld(WAIT_THEN_MAIL);
    // Three contacts whose step keeps failing with an error that is not ours (the mailer's
    // dependency down for them): each delivery throws, the enrolment stays waiting, due as it was.
    const stuck = ['s1', 's2', 's3'];
    for (const id of stuck) {
      w.addContact(id);
      await enrolContact(enrolMsg(id), w.deps);
    }
    // An hour later, a contact whose timer is lost (a crash between its state write and its timer).
    await w.advanceTo(w.now() + 3_600_000);
    w.addContact('late');
    await enrolContact(enrolMsg('late'), w.deps);
    w.timers.splice(0); // every timer lost: only the sweep brings the steps back
    const failing: StepDeps = {
      ...w.deps,
      mailer: {
        ...w.deps.mailer,
        send: async (input) => {
          if (stuck.includes(input.contact.contactId)) throw new TypeError('socket hang up');
          return w.deps.mailer.send(input);
        },
      },
    };

    const cursors = memoryCursors();
    const resentTo: string[][] = [];
    let now = w.now() + 2 * DAY;
    for (let run = 0; run < 4 && !mailed(w, 'late'); run += 1) {
      await w.advanceTo(now);
      const sent: DripStepMessage[] = [];
      await sweepDueSteps({
        shards: 1,
        due: dueIndex(w),
        queue: { sendAll: async (m) => void sent.push(...m) },
        now: () => new Date(now),
        cursors,
        pageSize: 2,
        maxPerShard: 3,
      });
      resentTo.push(sent.map((m) => (m as StepMessage).contactId));
      // The worker runs each re-sent step (every receive of a stuck one fails, and it stays waiting).
      for (const m of sent) await runStep(m as StepMessage, failing).catch(() => undefined);
      now += 5 * 60_000;
    }
    // Failed at 3c0df96: every run re-sent s1, s2, s3 and stopped; "late" was never re-sent.
    expect(mailed(w, 'late')).toBe(true);
    expect(resentTo.slice(0, 2)).toEqual([['s1', 's2', 's3'], ['late']]);
    // The stuck ones still come back (from the oldest again once the end was reached).
    const third = await sweepDueSteps({
      shards: 1,
      due: dueIndex(w),
      queue: { sendAll: async () => undefined },
      now: () => new Date(now),
      cursors,
      pageSize: 2,
      maxPerShard: 3,
    });
    expect(third).toEqual({ resent: 3, shardsLeftOver: 1 });
  });

  it('every overdue entry is re-sent within ceil(overdue / maximum) + 1 runs, none twice in a run', async () => {
    const w = campaignWorld(WAIT_THEN_MAIL);
    for (let i = 0; i < 23; i += 1) {
      w.addContact(`c${String(i).padStart(2, '0')}`);
      await enrolContact(enrolMsg(`c${String(i).padStart(2, '0')}`), w.deps);
    }
    w.timers.splice(0);
    const cursors = memoryCursors();
    const seen = new Set<string>();
    for (let run = 0; run < Math.ceil(23 / 5) + 1; run += 1) {
      const sent: string[] = [];
      await sweepDueSteps({
        shards: 1,
        due: dueIndex(w),
        queue: { sendAll: async (m) => void sent.push(...m.map((x) => (x as StepMessage).contactId)) },
        now: () => new Date(w.now() + 2 * DAY),
        cursors,
        pageSize: 2,
        maxPerShard: 5,
      });
      expect(new Set(sent).size).toBe(sent.length);
      for (const id of sent) seen.add(id);
    }
    expect(seen.size).toBe(23);
  });

  it('starts at the oldest when the stored place is refused', async () => {
    const w = campaignWorld(WAIT_THEN_MAIL);
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    w.timers.splice(0);
    const index = dueIndex(w);
    const sent: DripStepMessage[] = [];
    const result = await sweepDueSteps({
      shards: 1,
      due: async (shard, before, limit, after) => {
        if (after !== undefined) throw new Error('The provided starting key is outside query boundaries');
        return index(shard, before, limit);
      },
      queue: { sendAll: async (m) => void sent.push(...m) },
      now: () => new Date(w.now() + 2 * DAY),
      cursors: { get: async () => 'a place past the range', set: async () => undefined },
    });
    expect(result).toEqual({ resent: 1, shardsLeftOver: 0 });
  });
});

describe('the sweep under TIME_SCALE', () => {
  it('waits the grace in real time: a step queued a second ago (an hour at 3600x) is not re-sent', async () => {
    const realStart = Date.parse('2026-12-07T10:00:00Z');
    let realNow = realStart;
    const clock = scaledClock(3600, { realMs: realStart, clockMs: realStart }, () => realNow);
    const w = campaignWorld(WAIT_THEN_MAIL);
    for (const id of ['queued', 'lost']) {
      w.addContact(id);
      await enrolContact(enrolMsg(id), w.deps);
    }
    w.timers.splice(0);
    const dueAt = (id: string) => Date.parse(w.enrolments.get(`${CAMPAIGN}#${id}`)?.dueAt as string);
    // "lost" came due 3 real minutes ago (its timer never fired), "queued" 1 real second ago (its
    // message is on its way through the queue's backlog).
    const lostDue = dueAt('lost');
    realNow = realStart + (lostDue - realStart) / 3600 + 3 * 60_000;
    const queuedEntry = w.enrolments.get(`${CAMPAIGN}#queued`) as EnrolmentState;
    w.enrolments.set(`${CAMPAIGN}#queued`, {
      ...queuedEntry,
      dueAt: new Date(clock.now().getTime() - 3_600_000).toISOString(),
    });

    const sent: DripStepMessage[] = [];
    await sweepDueSteps({
      shards: 1,
      due: dueIndex(w),
      queue: { sendAll: async (m) => void sent.push(...m) },
      now: () => clock.now(),
      scale: clock.scale,
    });
    // Failed at 3c0df96: the grace was 2 campaign minutes (33 ms real), so "queued" went again.
    expect(sent.map((m) => (m as StepMessage).contactId)).toEqual(['lost']);
    expect(SWEEP_GRACE_MS).toBe(120_000);
  });

  it('keeps the 2-minute grace at scale 1', async () => {
    const w = campaignWorld(WAIT_THEN_MAIL);
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    w.timers.splice(0);
    const due = Date.parse(w.enrolments.get(`${CAMPAIGN}#c1`)?.dueAt as string);
    const sweepAt = async (nowMs: number) => {
      const sent: DripStepMessage[] = [];
      await sweepDueSteps({
        shards: 1,
        due: dueIndex(w),
        queue: { sendAll: async (m) => void sent.push(...m) },
        now: () => new Date(nowMs),
        scale: 1,
      });
      return sent.length;
    };
    expect(await sweepAt(due + SWEEP_GRACE_MS - 1)).toBe(0);
    expect(await sweepAt(due + SWEEP_GRACE_MS)).toBe(1);
  });
});
