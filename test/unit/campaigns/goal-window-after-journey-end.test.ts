/**
 * Review round 14: this test failed at cb20668 (the campaign goal stopped counting when the journey ended: of two contacts converted on day 1, only the one still waiting counted).
 *
 * Defect (review round 14, MEDIUM): the campaign goal's conversion window (`rules.goal.withinDays`,
 * documented "met within withinDays of entering") stops counting the moment the journey ends. A
 * contact whose path completes before the window closes (a short arm: mail -> exit) and who then
 * meets the goal inside the window is never counted as converted: the goal is judged only "before
 * any node" of a step (run-step.ts `exitBeforeNode`), a finished enrolment has no step, and
 * wake-on-event.ts wakes `waiting` enrolments only.
 *
 * Worse, it biases every A/B test on conversions: an arm whose path is still waiting when the
 * contact converts gets the conversion (`armconv:`), an arm whose path already ended does not, so
 * the stated test (and the automatic promotion it drives) favours the longer arm, whatever the
 * content. Here both contacts convert identically, one day after entering, inside the 7-day window;
 * only the contact on the long arm is counted.
 *
 * Root cause: shared/campaigns/run-step.ts `advance`/`exitBeforeNode` (the goal judged only while
 * the enrolment runs) and shared/campaigns/wake-on-event.ts `wakeOnEvent` (ended enrolments are
 * never looked at). Correct: a conversion inside `withinDays` of entering counts for the run (and
 * its arms) whether or not the journey is still running, e.g. keep the ended enrolment eligible
 * for the goal until its window closes (woken by the contact's events / judged at the deadline).
 */
import { describe, expect, it } from 'vitest';
import type { ContactSnapshot } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { armFor } from '../../../shared/campaigns/split';
import { campaignStats } from '../../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const SPLIT = {
  id: 'ab',
  kind: 'split',
  holdoutPercent: 0,
  arms: [
    { id: 'short', percent: 50, next: 'mail-short' },
    { id: 'long', percent: 50, next: 'mail-long' },
  ],
};
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    SPLIT,
    { id: 'mail-short', kind: 'email', templateId: 't-short', next: 'end' },
    { id: 'mail-long', kind: 'email', templateId: 't-long', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const goal = { if: { type: 'tag' as const, tag: 'customer', has: true }, withinDays: 7 };

/** The first contact id whose hash lands in `arm`. */
function contactIn(arm: string): string {
  for (let i = 0; ; i += 1) {
    const id = `c${i}`;
    if (armFor(SPLIT, CAMPAIGN, id)?.id === arm) return id;
  }
}

describe('the campaign goal counts a conversion within its window after the journey ended', () => {
  it('both arms convert the same way one day in: both are counted, not only the longer arm', async () => {
    const w = campaignWorld(JOURNEY, { goal });
    const short = contactIn('short');
    const long = contactIn('long');
    for (const id of [short, long]) {
      w.addContact(id);
      await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: id, launchId: 'l1' }, w.deps);
    }
    // The short arm's journey is over at once; the long arm waits 3 days.
    expect(w.enrolments.get(`${CAMPAIGN}#${short}`)?.status).toBe('completed');

    // One day in (well inside the 7-day window) both become customers.
    await w.advanceTo(w.now() + DAY);
    for (const id of [short, long]) {
      w.contacts.set(id, { ...(w.contacts.get(id) as ContactSnapshot), tags: ['customer'] });
    }
    await w.advanceTo(w.now() + 8 * DAY);

    const counters = Object.fromEntries(w.counters);
    const arms = campaignStats(counters, w.published.journey).splits.ab?.arms;
    expect({
      converted: counters.converted ?? 0,
      short: arms?.short?.converted,
      long: arms?.long?.converted,
    }).toEqual({ converted: 2, short: 1, long: 1 });
  });
});
