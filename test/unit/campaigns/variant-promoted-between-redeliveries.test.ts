/**
 * Regression (review 7, engine): a subject-line promotion landing between two deliveries of the
 * same step made the enrolment (and the A/B counters) record a variant the contact was never
 * mailed. A step mailed variant 0 (by hash), then failed further on (a webhook answering 503: the
 * SQS message comes back 3 minutes later); meanwhile variant 1 was promoted. The redelivery
 * recomputed the variant from the promotion (execute-node.ts `subjectVariant`), the mail was
 * deduplicated by its key (variant 0 went out), but `arms.mail = '1'` and `variant:mail:1` were
 * written: the stats showed a send (and later conversions) for the wrong subject line. The engine
 * checkpointed decisions that read the promotion (`decides`, run-step.ts) only for splits.
 *
 * Fixed: choosing a subject variant is a decision its own node acts on. The variant is recorded
 * (`arms[node]`) in the step's checkpoint before the mailer is called (execute-node.ts
 * `unrecordedChoice`, run-step.ts), so a redelivery reads it back instead of choosing again. The
 * redelivery is modelled as SQS makes it: the same message id, which finds the checkpoint it
 * wrote and sets its timer again (`timerAgain`); that step goes on from the email node.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignRules } from '../../../shared/campaigns/enrolment';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import { enrolContact, failStep, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import { subjectLineId, variantFor } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const SUBJECTS = ['Hello', 'Hi there'];
/** The line ids the counters and the recorded arm are keyed by (split.ts `subjectLineId`). */
const LINE = SUBJECTS.map(subjectLineId);
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { hours: 1 } }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: SUBJECTS, next: 'hook' },
    { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://example.com/hook' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

/** A contact whose hashed variant at `mail` is 0. */
const contactId = Array.from({ length: 50 }, (_, i) => `p${i}`).find(
  (c) => variantFor(SUBJECTS.length, CAMPAIGN, 'mail', c) === 0,
) as string;

const promoteVariant1 = (w: World) => {
  (w.published.rules as { promotions?: CampaignRules['promotions'] }).promotions = {
    mail: { variant: 1, subject: 'Hi there', by: 'user:u1', at: new Date(w.now()).toISOString() },
  };
};

/** The webhook answers 503 (a retryable error) on its first call only. */
const failingHookOnce = (w: World) => {
  const perform = w.deps.actions.perform;
  let failOnce = true;
  (w.deps.actions as { perform: typeof perform }).perform = async (action, target) => {
    if (failOnce) {
      failOnce = false;
      throw new Error('The webhook answered 503');
    }
    return perform(action, target);
  };
};

/** Enrols the contact and takes its wait's timer, due in an hour. */
async function waitingAtTheWait(w: World) {
  w.addContact(contactId);
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
  const timer = w.timers.shift();
  if (!timer) throw new Error('no timer');
  await w.advanceTo(timer.dueAt);
  return timer;
}

const variantCounters = (w: World) => {
  const counters = Object.fromEntries(w.counters);
  return { v0: counters[`variant:mail:${LINE[0]}`] ?? 0, v1: counters[`variant:mail:${LINE[1]}`] ?? 0 };
};

describe('a subject line promoted between a step that mailed and its redelivery', () => {
  it('records (and counts) the variant that was mailed, not the promoted one', async () => {
    const w = campaignWorld(JOURNEY);
    const timer = await waitingAtTheWait(w);

    // First delivery: the mail goes (variant 0), then the webhook answers 503 (a retryable error).
    failingHookOnce(w);
    await expect(runStep(timer.message, w.deps, 'sqs-1')).rejects.toThrow('503');
    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);

    // Someone promotes variant 1 while the message waits out its visibility timeout.
    promoteVariant1(w);
    await w.advanceTo(w.now() + 180_000);
    // The same message comes back (same SQS message id): it sets its checkpoint's timer again...
    expect(await runStep(timer.message, w.deps, 'sqs-1')).toMatchObject({ status: 'stale' });
    // ...and that step goes on from the email node, with the variant it recorded.
    expect(await w.advanceTo(w.now())).toEqual([{ status: 'ended', reason: 'completed' }]);

    // One mail, with the first subject line (the ledger keeps the first send of the key)...
    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);
    // ...so the enrolment and the variant counters must name variant 0.
    expect(w.enrolments.get(`${CAMPAIGN}#${contactId}`)?.arms.mail).toBe(LINE[0]);
    expect(variantCounters(w)).toEqual({ v0: 1, v1: 0 });
    expect(Object.fromEntries(w.counters)).toMatchObject({ sent: 1, 'node:mail:sent': 1, waiting: 0 });
  });

  it('records the mailed variant when the sweep, not the same message, brings the step back', async () => {
    const w = campaignWorld(JOURNEY);
    const timer = await waitingAtTheWait(w);
    failingHookOnce(w);
    await expect(runStep(timer.message, w.deps, 'sqs-1')).rejects.toThrow('503');
    promoteVariant1(w);
    // The sweep re-sends the step the enrolment waits at (the checkpoint: due now).
    const state = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
    if (!state) throw new Error('not enrolled');
    expect(state).toMatchObject({ node: 'mail', status: 'waiting', arms: { mail: LINE[0] } });
    const { run, step } = state;
    const swept = { kind: 'step' as const, workspaceId: WS, campaignId: CAMPAIGN, contactId, run, step };
    expect(await runStep(swept, w.deps, 'sweep-1')).toEqual({ status: 'ended', reason: 'completed' });
    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);
    expect(variantCounters(w)).toEqual({ v0: 1, v1: 0 });
  });

  it('records the mailed variant when a failed enrolment is retried after the promotion', async () => {
    // The docs' former "Left:" case: the step mailed, then failed on every delivery; the last one
    // failed the enrolment (failStep). A promotion landed before a person retried it.
    const w = campaignWorld(JOURNEY);
    const timer = await waitingAtTheWait(w);
    const perform = w.deps.actions.perform;
    (w.deps.actions as { perform: typeof perform }).perform = async () => {
      throw new Error('The webhook answered 503');
    };
    await expect(runStep(timer.message, w.deps, 'sqs-1')).rejects.toThrow('503');
    const checkpoint = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
    if (!checkpoint) throw new Error('not enrolled');
    const { run, step } = checkpoint;
    const swept = { kind: 'step' as const, workspaceId: WS, campaignId: CAMPAIGN, contactId, run, step };
    await expect(runStep(swept, w.deps, 'sweep-1')).rejects.toThrow('503');
    expect(await failStep(swept, 'Failed after 5 attempts: The webhook answered 503', w.deps)).toBe(true);

    promoteVariant1(w);
    (w.deps.actions as { perform: typeof perform }).perform = perform;
    const failed = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
    if (!failed) throw new Error('not enrolled');
    const queued: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) };
    expect(await retryEnrolment(failed, { ...w.deps, queue })).toBe(true);
    const [retried] = queued;
    if (retried?.kind !== 'step') throw new Error('no retry message');
    expect(await runStep(retried, w.deps, 'sqs-2')).toEqual({ status: 'ended', reason: 'completed' });

    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);
    expect(w.enrolments.get(`${CAMPAIGN}#${contactId}`)?.arms.mail).toBe(LINE[0]);
    expect(variantCounters(w)).toEqual({ v0: 1, v1: 0 });
  });

  it('is chosen on arrival and kept through a send window: a promotion while it waits changes nothing', async () => {
    // Mondays 09:00-17:00 only; the world starts Monday 10:00, so the step at 11:00 sends. Push it
    // to the evening so the mail waits for Tuesday 09:00.
    const w = campaignWorld(JOURNEY, { sendWindow: { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 } });
    w.addContact(contactId);
    await w.advanceTo(w.now() + 7 * 3_600_000); // Monday 17:00
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
    await w.advanceTo(w.now() + 3_600_000); // the wait ends at 18:00: the window is closed
    expect(w.enrolments.get(`${CAMPAIGN}#${contactId}`)).toMatchObject({
      node: 'mail',
      status: 'waiting',
      arms: { mail: LINE[0] },
    });
    expect(w.sends.size).toBe(0);
    promoteVariant1(w);
    await w.advanceTo(w.now() + DAY);
    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);
    expect(variantCounters(w)).toEqual({ v0: 1, v1: 0 });
  });
});

describe('two copies of a step choosing a subject line at the node they start from', () => {
  it('mail one variant, the one recorded: the copy whose checkpoint loses stops before the mailer', async () => {
    // An enrolment held at the email node with no variant recorded (held by a send window before
    // variants were recorded on arrival, or handed over there); a timer and a wake run its step
    // at once, one before a promotion lands and one after.
    const w = campaignWorld(JOURNEY);
    w.addContact(contactId);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
    const waiting = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
    if (!waiting) throw new Error('not enrolled');
    const { nodeSince: _since, ...rest } = waiting;
    w.enrolments.set(`${CAMPAIGN}#${contactId}`, {
      ...rest,
      node: 'mail',
      moves: 2,
      dueAt: new Date(w.now()).toISOString(),
    });
    w.timers.length = 0;
    const published = w.published;
    const promoted = {
      ...published,
      rules: {
        ...published.rules,
        promotions: { mail: { variant: 1, subject: 'Hi there', by: 'user:u1', at: new Date(w.now()).toISOString() } },
      },
    };
    // Each call of the mailer, whatever the ledger then keeps.
    const calls: (string | undefined)[] = [];
    const send = w.deps.mailer.send;
    (w.deps.mailer as { send: typeof send }).send = async (input) => {
      calls.push(input.subject);
      return send(input);
    };
    const later = { ...w.deps, versions: { load: async () => ({ status: 'active' as const, published: promoted }) } };
    const { run, step } = waiting;
    const msg = { kind: 'step' as const, workspaceId: WS, campaignId: CAMPAIGN, contactId, run, step };
    const outcomes = await Promise.all([runStep(msg, w.deps, 'm-timer'), runStep(msg, later, 'm-wake')]);
    expect(outcomes.filter((o) => o.status === 'stale')).toHaveLength(1);

    const mailed = [...w.sends.values()].map((s) => s.subject);
    expect(mailed).toHaveLength(1);
    expect(calls).toEqual(mailed);
    const recorded = w.enrolments.get(`${CAMPAIGN}#${contactId}`)?.arms.mail;
    expect(mailed).toEqual([SUBJECTS[LINE.indexOf(recorded as string)]]);
  });
});
