// Review round 26 (a), the class at the other acting node: an action (a webhook's POST, a tag, a
// field, the score, a notification) acts inside the step, so a person's exit, a pause or an archive
// answered 200 while the step ran (after its first read of the enrolment and the campaign) must stop
// it there. The step reads the enrolment and the campaign again right before an action acts
// (run-step.ts `advance`): moved on -> stale, nothing acts; paused -> held at the action, which
// acts after the resume; archived -> ended `archived`, nothing acts.
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { enrolContact, exitEnrolment } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const WAIT_THEN_ACT = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'tag' },
    { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'nurtured' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

/** A world whose due step meets `during` as it reads the contact (after its reads of the enrolment and campaign). */
async function racing(during: (w: ReturnType<typeof campaignWorld>) => Promise<void>) {
  const w = campaignWorld(WAIT_THEN_ACT);
  w.addContact('c1');
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
  let done = false;
  const snapshot = w.deps.contacts.snapshot;
  w.deps.contacts.snapshot = async (ws, contactId) => {
    if (!done) {
      done = true;
      await during(w);
    }
    return snapshot(ws, contactId);
  };
  await w.advanceTo(w.now() + DAY + 60_000);
  return w;
}

describe('a stop answered while a step runs, before its action acts', () => {
  it("a person's exit: the action does not act", async () => {
    let answered: boolean | undefined;
    const w = await racing(async (w) => {
      answered = await exitEnrolment(w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState, 'manual', w.deps);
    });
    expect({ answered, exit: w.enrolments.get(`${CAMPAIGN}#c1`)?.exitReason, actions: w.actions }).toEqual({
      answered: true,
      exit: 'manual',
      actions: [],
    });
  });

  it('a pause: held at the action (out of the due index until the resume), nothing acts', async () => {
    const w = await racing(async (w) => w.setStatus('paused'));
    expect(w.actions).toEqual([]);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'held', node: 'tag' });
    expect(w.counters.get('waiting')).toBe(1);
  });

  it('an archive: ended archived, the action does not act', async () => {
    const w = await racing(async (w) => w.setStatus('archived'));
    expect(w.actions).toEqual([]);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'exited', exitReason: 'archived' });
    expect({ waiting: w.counters.get('waiting'), archived: w.counters.get('exited:archived') }).toEqual({
      waiting: 0,
      archived: 1,
    });
  });

  it('nothing stopping it: the action acts once, at the cost of one more read of each', async () => {
    const w = await racing(async () => undefined);
    expect(w.actions.map((a) => a.type)).toEqual(['add-tag']);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)).toMatchObject({ status: 'completed' });
  });
});
