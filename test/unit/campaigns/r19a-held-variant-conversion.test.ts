/**
 * Review round 19 (r19a).
 * Defect: an email node with subject variants records the contact's subject line (its "arm" at the
 * node) in the checkpoint written before the node acts (run-step.ts `unrecordedChoice`). When the
 * node then HOLDS instead of mailing (outside the send window, over the frequency cap, cap lock
 * busy), the recorded line stays on the waiting enrolment although no mail went out. If the
 * contact meets the campaign goal before the mail is sent, the conversion is counted for that
 * line (`armconv:<node>:<line>`) and for nobody's send (`variant:<node>:<line>` stays 0): a
 * subject line the contact never saw is credited with a conversion. The line's conversion rate
 * is inflated (it can exceed 100%: successes without sends) and the stated test / automatic
 * promotion judge on it. The code's own rule (execute-node.ts `skipped`): "a variant the contact
 * never got is not its arm, so its conversions count for no line".
 * Severity: MEDIUM (A/B statistics and the automatic promotion are skewed by conversions of
 * contacts who never received the line; e.g. a launch at night holds everyone at the first email).
 * Root cause: shared/campaigns/run-step.ts:advance (the `converted` path of the exit check and
 * `save` credit every entry of `state.arms`, `armsAtConversion = start.arms`) together with
 * shared/campaigns/execute-node.ts:unrecordedChoice, which records the line before the node has
 * mailed; a hold keeps it.
 * Correct: a conversion counts only for the subject lines whose mail the run got (the email node
 * is in `state.emails`); a line recorded for a mail still held counts nothing.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { subjectLineId } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const LINES = ['Hello there', 'A better offer'];

describe('r19a: a conversion before the held mail went', () => {
  it('credits no subject line to a contact converted while its mail was held by the send window', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'mail' },
          { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: LINES, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      {
        // Weekdays 09-17 UTC; the world starts Monday 10:00 UTC, so enrol on Saturday.
        sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
        goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 },
      },
    );
    w.addContact('c1');
    await w.advanceTo(w.now() + 5 * DAY); // Saturday 10:00 UTC: outside the window
    const first = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      w.deps,
    );
    expect(first.status).toBe('waiting');
    expect(w.sends.size).toBe(0);

    // The contact converts over the weekend, before any mail of the campaign reached it.
    const c = w.contacts.get('c1');
    if (!c) throw new Error('no contact');
    w.contacts.set('c1', { ...c, tags: ['customer'] });
    await w.advanceTo(w.now() + 3 * DAY); // Monday's opening: the step runs, the goal is met
    const state = w.enrolments.get(`${CAMPAIGN}#c1`);
    expect(state?.exitReason).toBe('converted');
    expect(w.sends.size).toBe(0); // never mailed

    const conversionsByLine = Object.fromEntries(
      LINES.map((l) => [l, w.counters.get(`armconv:mail:${subjectLineId(l)}`) ?? 0]),
    );
    const sendsByLine = Object.fromEntries(
      LINES.map((l) => [l, w.counters.get(`variant:mail:${subjectLineId(l)}`) ?? 0]),
    );
    expect(w.counters.get('converted')).toBe(1);
    // No line was sent, so no line may be credited with the conversion.
    expect(sendsByLine).toEqual({ [LINES[0] as string]: 0, [LINES[1] as string]: 0 });
    expect(conversionsByLine).toEqual({ [LINES[0] as string]: 0, [LINES[1] as string]: 0 });
  });

  it('credits no subject line to a contact converted while its mail was deferred by the frequency cap', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'mail' },
          { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: LINES, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      {
        frequencyCap: { max: 1, per: 'day' },
        goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 },
      },
    );
    w.addContact('c1');
    // Another campaign mailed the contact a moment ago: this campaign's mail is deferred a day.
    w.sends.set('other', { key: 'other', contactId: 'c1', nodeId: 'x', at: w.now(), marketing: true });
    const first = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' },
      w.deps,
    );
    expect(first.status).toBe('waiting');
    const c = w.contacts.get('c1');
    if (!c) throw new Error('no contact');
    w.contacts.set('c1', { ...c, tags: ['customer'] });
    await w.advanceTo(w.now() + 2 * DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.exitReason).toBe('converted');
    expect([...w.sends.values()].filter((s) => s.nodeId === 'mail')).toHaveLength(0);
    const credited = LINES.reduce((sum, l) => sum + (w.counters.get(`armconv:mail:${subjectLineId(l)}`) ?? 0), 0);
    expect(credited).toBe(0);
  });
});
