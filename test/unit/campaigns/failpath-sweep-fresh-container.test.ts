// Review round 16: this test failed at 5bc3520.
// The sweep's place in a shard with more overdue enrolments than a run re-sends lived in the
// sweeper instance's memory: a new container (Lambda recycles them) started every shard at the
// oldest, so steps that keep failing held the front of the index and the tail was never re-sent.
// Now the index itself is the memory: a re-sent entry moves to the back of its shard (its due time
// kept), so each run, in whatever container, starts with the entries re-sent longest ago.
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { DripStepMessage, StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { sweepDueSteps } from '../../../shared/campaigns/resume-and-sweep';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
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

/**
 * The due index (gsi2) as DynamoDB keeps it, shared by every sweeper container: entries of waiting
 * enrolments by (index time, key), the index time being the due time until the sweep moves the
 * entry back (kept while the enrolment is at that step: a save writes it anew from its due time).
 */
function dueIndex(w: World) {
  const moved = new Map<string, { step: number; at: string }>();
  const timeOf = (e: EnrolmentState) => {
    const m = moved.get(e.contactId);
    return m && m.step === e.step ? m.at : (e.dueAt as string);
  };
  const keyOf = (e: EnrolmentState) => `${timeOf(e)}#${e.contactId}`;
  return {
    due: async (_shard: number, before: Date, limit: number, after?: unknown) => {
      const page = [...w.enrolments.values()]
        .filter((e) => e.status === 'waiting' && e.dueAt !== undefined && timeOf(e) <= before.toISOString())
        .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
        .filter((e) => after === undefined || keyOf(e) > String(after))
        .slice(0, limit);
      const last = page.at(-1);
      return { enrolments: page, ...(page.length === limit && last ? { next: keyOf(last) } : {}) };
    },
    toBack: async (enrolments: readonly EnrolmentState[], at: Date) => {
      for (const e of enrolments) moved.set(e.contactId, { step: e.step, at: at.toISOString() });
    },
  };
}

describe('the sweep, a new container every run', () => {
  it('re-sends the tail of a shard though as many steps as its maximum keep failing at the front', async () => {
    const w = campaignWorld(WAIT_THEN_MAIL);
    // Three steps keep failing with an error that is not ours (they stay waiting, due as they were).
    const stuck = ['s1', 's2', 's3'];
    for (const id of stuck) {
      w.addContact(id);
      await enrolContact(enrolMsg(id), w.deps);
    }
    await w.advanceTo(w.now() + 3_600_000);
    for (const id of ['late1', 'late2']) {
      w.addContact(id);
      await enrolContact(enrolMsg(id), w.deps);
    }
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
    const index = dueIndex(w);
    const resentTo: string[][] = [];
    let now = w.now() + 2 * DAY;
    for (let run = 0; run < 4; run += 1) {
      await w.advanceTo(now);
      const sent: DripStepMessage[] = [];
      // A fresh sweeper each run (a recycled container): nothing kept in memory between runs.
      await sweepDueSteps({
        shards: 1,
        due: index.due,
        toBack: index.toBack,
        queue: { sendAll: async (m) => void sent.push(...m) },
        now: () => new Date(now),
        pageSize: 2,
        maxPerShard: 3,
      });
      resentTo.push(sent.map((m) => (m as StepMessage).contactId));
      for (const m of sent) await runStep(m as StepMessage, failing).catch(() => undefined);
      now += 5 * 60_000;
    }
    const mailed = (id: string) => [...w.sends.values()].some((s) => s.contactId === id);
    // Failed at 5bc3520: every run re-sent s1, s2, s3 and stopped; late1 and late2 never went.
    expect(mailed('late1') && mailed('late2')).toBe(true);
    expect(resentTo.slice(0, 2)).toEqual([
      ['s1', 's2', 's3'],
      ['late1', 'late2', 's1'],
    ]);
    // The stuck ones still come back, each in its turn.
    expect(resentTo[2]).toEqual(['s2', 's3', 's1']);
  });
});
