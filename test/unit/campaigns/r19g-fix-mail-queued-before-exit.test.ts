// Review round 19: this test failed at 4ce0ffd.
// A step that queued an email node's mail and failed before its save, then exited before running
// the node again (goal met, a suppression), counted neither the send nor its subject line's credit.
import { describe, expect, it } from 'vitest';
import type { StepMessage } from '../../../shared/campaigns/messages';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { subjectLineId } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const LINES = ['Hello there', 'A better offer'];
const GOAL = { goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 } } as const;

/** Enrols c1, then runs its step past the wait: the mail is queued, the action after it throws once. */
async function crashedAfterMail(options: { mailFails?: boolean } = {}) {
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
    GOAL,
  );
  w.addContact('c1');
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
  const throwing = options.mailFails ? w.deps.mailer : w.deps.actions;
  const original = options.mailFails ? w.deps.mailer.send : w.deps.actions.perform;
  let failOnce = true;
  const failing = async (...args: never[]) => {
    if (failOnce) {
      failOnce = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return (original as (...a: never[]) => Promise<unknown>).apply(throwing, args);
  };
  if (options.mailFails) (w.deps.mailer as { send: unknown }).send = failing;
  else (w.deps.actions as { perform: unknown }).perform = failing;
  const timer = w.timers.shift();
  if (!timer) throw new Error('no timer');
  await w.advanceTo(timer.dueAt);
  await expect(runStep(timer.message, w.deps, 'm1')).rejects.toThrow('ProvisionedThroughputExceeded');
  const state = w.enrolments.get(`${CAMPAIGN}#c1`);
  if (!state) throw new Error('no enrolment');
  // The checkpoint's step: what a redelivery (or the sweep's re-send) runs.
  const message: StepMessage = {
    kind: 'step',
    workspaceId: WS,
    campaignId: CAMPAIGN,
    contactId: 'c1',
    run: state.run,
    step: state.step,
  };
  const tag = (tags: string[]) => {
    const c = w.contacts.get('c1');
    if (c) w.contacts.set('c1', { ...c, tags });
  };
  const mailed = [...w.sends.values()].filter((s) => s.nodeId === 'mail');
  const line = mailed[0] ? subjectLineId(mailed[0].subject as string) : undefined;
  const counts = () => ({
    sent: w.counters.get('sent') ?? 0,
    nodeSent: w.counters.get('node:mail:sent') ?? 0,
    variant: line ? (w.counters.get(`variant:mail:${line}`) ?? 0) : 0,
    armconv: line ? (w.counters.get(`armconv:mail:${line}`) ?? 0) : 0,
    converted: w.counters.get('converted') ?? 0,
  });
  return { w, message, tag, mailed, counts };
}

describe('r19g-fix: a mail queued before a failed save, when the retried step exits', () => {
  it('counts once: a third copy of the step counts nothing again', async () => {
    const { w, message, tag, mailed, counts } = await crashedAfterMail();
    expect(mailed).toHaveLength(1);
    tag(['customer']);
    expect(await runStep(message, w.deps, 'm2')).toEqual({ status: 'ended', reason: 'converted' });
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.emails.mail).toBe(`send-${mailed[0]?.key}`);
    expect(counts()).toEqual({ sent: 1, nodeSent: 1, variant: 1, armconv: 1, converted: 1 });
    expect((await runStep(message, w.deps, 'm3')).status).toBe('stale');
    expect(counts()).toEqual({ sent: 1, nodeSent: 1, variant: 1, armconv: 1, converted: 1 });
  });

  it('counts once when two copies race (a timer and the sweep)', async () => {
    const { w, message, tag, counts } = await crashedAfterMail();
    tag(['customer']);
    const outcomes = await Promise.all([runStep(message, w.deps, 'timer'), runStep(message, w.deps, 'sweep')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['ended', 'stale']);
    expect(counts()).toEqual({ sent: 1, nodeSent: 1, variant: 1, armconv: 1, converted: 1 });
  });

  it('counts the send (not a conversion) on an exit for a suppression', async () => {
    const { w, message, counts } = await crashedAfterMail();
    w.suppressed.set('c1@example.com', ['unsubscribe']);
    expect(await runStep(message, w.deps, 'm2')).toEqual({ status: 'ended', reason: 'unsubscribed' });
    expect(counts()).toEqual({ sent: 1, nodeSent: 1, variant: 1, armconv: 0, converted: 0 });
  });

  it('counts the send on an exit because the campaign was archived', async () => {
    const { w, message, counts } = await crashedAfterMail();
    w.setStatus('archived');
    expect(await runStep(message, w.deps, 'm2')).toEqual({ status: 'ended', reason: 'archived' });
    expect(counts()).toEqual({ sent: 1, nodeSent: 1, variant: 1, armconv: 0, converted: 0 });
  });

  it('counts nothing when the mail was never queued (the send itself failed)', async () => {
    const { w, message, tag, mailed, counts } = await crashedAfterMail({ mailFails: true });
    expect(mailed).toHaveLength(0);
    tag(['customer']);
    expect(await runStep(message, w.deps, 'm2')).toEqual({ status: 'ended', reason: 'converted' });
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.emails.mail).toBeUndefined();
    expect(counts()).toEqual({ sent: 0, nodeSent: 0, variant: 0, armconv: 0, converted: 1 });
    expect(w.counters.get('converted')).toBe(1);
    await w.advanceTo(w.now() + DAY);
    expect([...w.sends.values()]).toHaveLength(0);
  });
});
