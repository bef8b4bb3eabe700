/**
 * Review round 19 re-review (r19g).
 * Defect: a subject line whose mail went is credited with nothing when the step that queued it
 * failed before its save (a transient error on the next node: a throttled action, a crash, a
 * Lambda timeout) and the contact then met the campaign goal. The retried step starts from the
 * checkpoint written before the email node acted (`arms.mail` recorded, `emails.mail` not), meets
 * the goal before any node, and `creditedArms` (enrolment.ts) credits no line because the node is
 * not in `state.emails`, although the send ledger holds the mail with that very subject. The line's
 * `variant:` send and its `armconv:` are both lost (and the totals' `sent`), so the contacts most
 * likely to have converted *because of* the mail (they got it, then bought) are the ones the A/B
 * test of the subject lines never sees; the automatic promotion judges without them.
 * Severity: MEDIUM (A/B counts and `sent` silently undercount after any failure between the
 * mail's queueing and the step's save; the retry path is the one the commit names as handled).
 * Root cause: shared/campaigns/enrolment.ts:creditedArms reads "the mail went" only from
 * `state.emails`, which is written in the step's save after the node; run-step.ts:advance, on the
 * retried step's early conversion (`exitBeforeNode` -> 'converted', `credited(start)`), never asks
 * the send ledger whether the node's effect key (execute-node.ts `effectKey`) already mailed.
 * Correct: a line whose mail is in the ledger under the node's effect key counts as sent and is
 * credited with the run's conversion (e.g. when `arms` holds a line for a node absent from `emails`,
 * ask the mailer by effect key before counting, or persist the send's counters with the send).
 */
import { describe, expect, it } from 'vitest';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { subjectLineId } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const LINES = ['Hello there', 'A better offer'];

describe('r19g: a mail queued by a step that failed before its save', () => {
  it('is credited with the conversion of the contact who got it, when the retry meets the campaign goal', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'pause' },
          { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
          { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: LINES, next: 'tag' },
          { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'mailed' }, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      { goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 } },
    );
    w.addContact('c1');
    expect(
      (await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps)).status,
    ).toBe('waiting');

    // The action after the mail fails once with a transient error (a throttled write): the step
    // throws after the mail was queued, before its save; SQS delivers the message again.
    const perform = w.deps.actions.perform.bind(w.deps.actions);
    let failOnce = true;
    (w.deps.actions as { perform: typeof perform }).perform = async (action, target) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('ProvisionedThroughputExceededException');
      }
      return perform(action, target);
    };
    const timer = w.timers.shift();
    if (!timer) throw new Error('no timer');
    await w.advanceTo(timer.dueAt);
    await expect(runStep(timer.message, w.deps, 'm1')).rejects.toThrow('ProvisionedThroughputExceeded');
    const mailed = [...w.sends.values()].filter((s) => s.nodeId === 'mail');
    expect(mailed).toHaveLength(1); // the mail went (the ledger holds it)
    const line = subjectLineId(mailed[0]?.subject as string);

    // The contact reads it and buys before the redelivery.
    const c = w.contacts.get('c1');
    if (!c) throw new Error('no contact');
    w.contacts.set('c1', { ...c, tags: ['customer'] });

    // The redelivery finds the checkpoint (written by m1) and sets its timer again; the step runs.
    await runStep(timer.message, w.deps, 'm1');
    await w.advanceTo(w.now() + DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.exitReason).toBe('converted');
    expect(w.counters.get('converted')).toBe(1);
    expect([...w.sends.values()].filter((s) => s.nodeId === 'mail')).toHaveLength(1);

    // The line the contact got is credited with its conversion (and its send counted).
    expect({
      sent: w.counters.get(`variant:mail:${line}`) ?? 0,
      converted: w.counters.get(`armconv:mail:${line}`) ?? 0,
    }).toEqual({ sent: 1, converted: 1 });
  });
});
