/**
 * Faults of the step engine found by review, each a class: a node's effect repeated under a new
 * key after a deferred retry, a duplicate enrol message taken for a re-entry, a loop that acts on
 * every turn, a poison step brought back by the sweep for ever, a pause that loses a wait's time
 * or races a resume, a resume that cannot be retried.
 */
import { describe, expect, it } from 'vitest';
import { type Campaign, type CampaignStore, transitionCampaign } from '../../../shared/campaigns/campaign';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import type { DripStepMessage, StepMessage } from '../../../shared/campaigns/messages';
import { ActionFailedError, type StepDeps } from '../../../shared/campaigns/ports';
import { RESUME_RECHECK_SECONDS, resumeHeldPage, sweepDueSteps } from '../../../shared/campaigns/resume-and-sweep';
import { enrolContact, failStep, notRetryable, retryEnrolment, runStep } from '../../../shared/campaigns/run-step';
import { NotFoundError } from '../../../shared/errors';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const EMAIL_THEN_WEBHOOK = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'hook' },
    { id: 'hook', kind: 'action', action: { type: 'webhook', url: 'https://hooks.example.com/x' }, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const enrolMsg = (contactId: string, launchId = 'l1') => ({
  workspaceId: WS,
  campaignId: CAMPAIGN,
  contactId,
  launchId,
});
const stepOf = (s: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: s.workspaceId,
  campaignId: s.campaignId,
  contactId: s.contactId,
  run: s.run,
  step: s.step,
});
const mailsTo = (w: World, contactId: string) => [...w.sends.values()].filter((s) => s.contactId === contactId);
const stateOf = (w: World, contactId: string) => w.enrolments.get(`${CAMPAIGN}#${contactId}`) as EnrolmentState;

/** The webhook answers 503 once (retryable: the SQS message comes back), then succeeds. */
function flakyWebhook(w: World): StepDeps {
  let failed = false;
  return {
    ...w.deps,
    actions: {
      async perform(action, target) {
        if (!failed) {
          failed = true;
          throw new Error('webhook answered 503');
        }
        return w.deps.actions.perform(action, target);
      },
    },
  };
}

describe('a node run again after a hold keeps its effect key', () => {
  it('a retried step deferred by the frequency cap mails once', async () => {
    const w = campaignWorld(EMAIL_THEN_WEBHOOK, { frequencyCap: { max: 1, per: 'day' } });
    w.addContact('c1');
    const flaky = flakyWebhook(w);
    // Delivery 1 queues the email, then the webhook fails: nothing is saved.
    await expect(enrolContact(enrolMsg('c1'), flaky, 'm-1')).rejects.toThrow('503');
    // Delivery 2: the cap sees the first send and defers the node; it runs again a day later.
    await w.advanceTo(w.now() + 3 * 60_000);
    await enrolContact(enrolMsg('c1'), flaky, 'm-1');
    await w.advanceTo(w.now() + 3 * DAY);
    expect(mailsTo(w, 'c1').map((s) => s.key)).toEqual(['campaign#cmp1#c1#1#mail#1']);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed' });
  });

  it('a retried step deferred by a send window that closed meanwhile mails once', async () => {
    const w = campaignWorld(EMAIL_THEN_WEBHOOK, {
      sendWindow: { weekdays: [1, 2, 3, 4, 5, 6, 7], startHour: 9, endHour: 17 },
    });
    w.addContact('c1');
    await w.advanceTo(Date.parse('2026-12-07T16:59:00Z'));
    const flaky = flakyWebhook(w);
    await expect(enrolContact(enrolMsg('c1'), flaky, 'm-1')).rejects.toThrow('503');
    await w.advanceTo(Date.parse('2026-12-07T17:02:00Z'));
    expect(await enrolContact(enrolMsg('c1'), flaky, 'm-1')).toMatchObject({ status: 'waiting', node: 'mail' });
    await w.advanceTo(Date.parse('2026-12-09T00:00:00Z'));
    expect(mailsTo(w, 'c1')).toHaveLength(1);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'completed' });
  });
});

describe('a duplicate enrol message', () => {
  it('is not a re-entry, even when re-entry is "always"; a new launch is', async () => {
    const w = campaignWorld(
      {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'mail' },
          { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
          { id: 'end', kind: 'exit' },
        ],
      },
      { reentry: { mode: 'always' } },
    );
    w.addContact('c1');
    expect(await enrolContact(enrolMsg('c1', 'launch-1'), w.deps, 'm-1')).toMatchObject({ status: 'ended' });
    expect(await enrolContact(enrolMsg('c1', 'launch-1'), w.deps, 'm-1')).toEqual({
      status: 'not-enrolled',
      why: 'this launch enrolled it already',
    });
    expect(mailsTo(w, 'c1')).toHaveLength(1);
    expect(await enrolContact(enrolMsg('c1', 'launch-2'), w.deps, 'm-2')).toMatchObject({ status: 'ended' });
    expect(mailsTo(w, 'c1')).toHaveLength(2);
    expect(w.counters.get('entered')).toBe(2);
  });
});

describe('loops that do not wait', () => {
  const GOAL_LOOP = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'digest' },
      { id: 'digest', kind: 'email', templateId: 't-digest', next: 'engaged' },
      { id: 'engaged', kind: 'goal', if: { type: 'tag', tag: 'vip' }, within: { days: 7 }, next: 'digest' },
    ],
  };

  it('are refused on save: through a goal already met, or a wait for an event already there', () => {
    expect(journeyProblems(journeySchema.parse(GOAL_LOOP))).toContainEqual({
      node: 'digest',
      message: 'Loops without a wait: digest -> engaged -> digest',
    });
    const eventLoop = journeySchema.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't', next: 'w' },
        {
          id: 'w',
          kind: 'wait',
          for: { type: 'event', interaction: 'form_submit', timeout: { days: 2 } },
          next: 'mail',
          timeoutNext: 'end',
        },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(journeyProblems(eventLoop).map((p) => p.message)).toContain('Loops without a wait: mail -> w -> mail');
  });

  it('are allowed when the way back is a timeout or a wait for a time', () => {
    const reminders = journeySchema.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't', next: 'goal' },
        {
          id: 'goal',
          kind: 'goal',
          if: { type: 'tag', tag: 'vip' },
          within: { days: 3 },
          next: 'end',
          timeoutNext: 'mail',
        },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(journeyProblems(reminders)).toEqual([]);
    const weekly = journeySchema.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't', next: 'monday' },
        { id: 'monday', kind: 'wait', for: { type: 'time-of-day', hour: 9, weekdays: [1] }, next: 'mail' },
      ],
    });
    expect(journeyProblems(weekly)).toEqual([]);
  });

  it('fail the enrolment at run time after one turn (a version saved before the rule)', async () => {
    const w = campaignWorld(GOAL_LOOP);
    w.addContact('c1', { tags: ['vip'] });
    expect(await enrolContact(enrolMsg('c1'), w.deps)).toEqual({ status: 'ended', reason: 'failed' });
    expect(stateOf(w, 'c1')).toMatchObject({
      status: 'failed',
      failure: 'The journey loops back to node "digest" without waiting',
    });
    expect(mailsTo(w, 'c1')).toHaveLength(1);
    expect(w.timers).toHaveLength(0);
  });

  it('are no failure a retry could get past', async () => {
    const w = campaignWorld(GOAL_LOOP);
    w.addContact('c1', { tags: ['vip'] });
    await enrolContact(enrolMsg('c1'), w.deps);
    expect(notRetryable(stateOf(w, 'c1'), 'active')).toBe(
      'Its version cannot run it again: The journey loops back to node "digest" without waiting',
    );
  });

  it('a loop through a wait for a time runs one turn per wait', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't', next: 'pause' },
        { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
      ],
    });
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    await w.advanceTo(w.now() + 3 * DAY + 60_000);
    expect(mailsTo(w, 'c1')).toHaveLength(4);
    expect(stateOf(w, 'c1')).toMatchObject({ status: 'waiting', node: 'pause' });
  });
});

describe('a step that keeps failing', () => {
  const JOURNEY = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'wait' },
      { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 't-deleted', next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  };
  /** dueEnrolments over the world: overdue waiting enrolments, oldest first, in pages. */
  const dueOf = (w: World) => async (_shard: number, before: Date, limit: number, after?: unknown) => {
    const all = [...w.enrolments.values()]
      .filter((e) => e.status === 'waiting' && e.dueAt !== undefined && e.dueAt <= before.toISOString())
      .sort((a, b) => (a.dueAt as string).localeCompare(b.dueAt as string));
    const from = typeof after === 'number' ? after : 0;
    const page = all.slice(from, from + limit);
    return { enrolments: page, ...(from + limit < all.length ? { next: from + limit } : {}) };
  };

  it('fails its enrolment on the last delivery, so the sweep stops bringing it back', async () => {
    const w = campaignWorld(JOURNEY);
    const broken: StepDeps = {
      ...w.deps,
      mailer: { ...w.deps.mailer, send: () => Promise.reject(new NotFoundError('Template not found', 'NOT_FOUND')) },
    };
    w.addContact('p1');
    await enrolContact(enrolMsg('p1'), w.deps);
    const timer = w.timers.splice(0)[0]?.message as StepMessage;
    await w.advanceTo(w.now() + DAY);
    await expect(runStep(timer, broken)).rejects.toThrow('Template not found');
    // The worker's last receive: the enrolment fails with the reason.
    expect(await failStep(timer, 'Failed after 5 attempts: Template not found', w.deps)).toBe(true);
    expect(stateOf(w, 'p1')).toMatchObject({
      status: 'failed',
      failure: 'Failed after 5 attempts: Template not found',
    });
    expect(w.counters.get('exited:failed')).toBe(1);
    expect(w.counters.get('waiting')).toBe(0);
    // A second failStep (a duplicate) or a redrive of the step: nothing more.
    expect(await failStep(timer, 'again', w.deps)).toBe(false);
    expect(await runStep(timer, w.deps)).toMatchObject({ status: 'stale' });
    const sent: DripStepMessage[] = [];
    await sweepDueSteps({
      shards: 1,
      due: dueOf(w),
      queue: { sendAll: async (m) => void sent.push(...m) },
      now: () => new Date(w.now() + 2 * DAY),
    });
    expect(sent).toEqual([]);
  });

  it('a retry after the fix runs the failed node again, once, and goes on', async () => {
    const w = campaignWorld(EMAIL_THEN_WEBHOOK);
    const refusing: StepDeps = {
      ...w.deps,
      actions: { ...w.deps.actions, perform: () => Promise.reject(new ActionFailedError('The webhook answered 410')) },
    };
    w.addContact('p1');
    expect(await enrolContact(enrolMsg('p1'), refusing)).toEqual({ status: 'ended', reason: 'failed' });
    const failed = stateOf(w, 'p1');
    expect(failed).toMatchObject({ status: 'failed', node: 'hook', failure: 'The webhook answered 410' });
    expect(notRetryable(failed, 'archived')).toBe('The campaign is archived');
    expect(notRetryable(failed, 'active')).toBeUndefined();
    expect(mailsTo(w, 'p1')).toHaveLength(1);

    const queued: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) };
    expect(await retryEnrolment(failed, { ...w.deps, queue })).toBe(true);
    const waiting = stateOf(w, 'p1');
    // Back where it failed, its step numbers moved up by two and its keys shifted back by as much.
    expect(waiting).toMatchObject({ status: 'waiting', node: 'hook', retries: 1, step: failed.step + 1, keyShift: 2 });
    expect(waiting).not.toHaveProperty('failure');
    expect(notRetryable(waiting, 'active')).toBe('It is waiting, not failed');
    // The same (stale) failed state cannot be retried twice.
    expect(await retryEnrolment(failed, { ...w.deps, queue })).toBe(false);
    expect(queued).toEqual([stepOf(waiting)]);
    expect(w.counters.get('exited:failed')).toBe(0);
    expect(w.counters.get('waiting')).toBe(1);

    const performed: string[] = [];
    const fixed: StepDeps = {
      ...w.deps,
      actions: {
        ...w.deps.actions,
        perform: async (action, target) => void performed.push(`${action.type} ${target.idempotencyKey}`),
      },
    };
    expect(await runStep(queued[0] as StepMessage, fixed)).toEqual({ status: 'ended', reason: 'completed' });
    expect(performed).toEqual([`webhook campaign#${CAMPAIGN}#p1#1#hook#${failed.step - 1}`]);
    expect(mailsTo(w, 'p1')).toHaveLength(1);
    expect(Object.fromEntries(w.counters)).toMatchObject({ retried: 1, completed: 1, waiting: 0, 'exited:failed': 0 });
  });

  it('a retry of a step failed on its last delivery sends nothing the failed step sent, nor waits again', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'w' },
        { id: 'w', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mailA' },
        { id: 'mailA', kind: 'email', templateId: 't-a', next: 'mailB' },
        { id: 'mailB', kind: 'email', templateId: 't-b', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps, 'enrol-1');
    const timer = w.timers.splice(0)[0];
    if (timer?.message.kind !== 'step') throw new Error('no timer');
    await w.advanceTo(timer.dueAt);
    // mailB's template was deleted: every delivery of the timer's step throws after mailA went.
    const broken: StepDeps = {
      ...w.deps,
      mailer: {
        ...w.deps.mailer,
        send: async (input) => {
          if (input.nodeId === 'mailB') throw new NotFoundError('Template not found', 'NOT_FOUND');
          return w.deps.mailer.send(input);
        },
      },
    };
    for (let receive = 1; receive <= 5; receive += 1) {
      await expect(runStep(timer.message, broken, 'sqs-timer')).rejects.toThrow('Template not found');
    }
    expect(await failStep(timer.message, 'Failed after 5 attempts: Template not found', w.deps)).toBe(true);
    expect(mailsTo(w, 'c1').map((m) => m.nodeId)).toEqual(['mailA']);

    const queued: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) };
    expect(await retryEnrolment(stateOf(w, 'c1'), { ...w.deps, queue })).toBe(true);
    const [again] = queued;
    if (again?.kind !== 'step') throw new Error('no step queued');
    // At once: the wait it failed after keeps its target, which has passed.
    expect(await runStep(again, w.deps, 'sqs-retry')).toEqual({ status: 'ended', reason: 'completed' });
    expect(mailsTo(w, 'c1').map((m) => m.nodeId)).toEqual(['mailA', 'mailB']);
  });

  it('the sweep pages through a shard, up to its maximum per run', async () => {
    const w = campaignWorld(JOURNEY);
    for (let i = 0; i < 1_200; i += 1) {
      w.addContact(`c${i}`);
      await enrolContact(enrolMsg(`c${i}`), w.deps);
    }
    w.timers.splice(0);
    const sent: DripStepMessage[] = [];
    const sweep = (maxPerShard?: number) =>
      sweepDueSteps({
        shards: 1,
        due: dueOf(w),
        queue: { sendAll: async (m) => void sent.push(...m) },
        now: () => new Date(w.now() + 2 * DAY),
        pageSize: 500,
        ...(maxPerShard ? { maxPerShard } : {}),
      });
    expect(await sweep()).toEqual({ resent: 1_200, shardsLeftOver: 0 });
    expect(new Set(sent.map((m) => (m as StepMessage).contactId)).size).toBe(1_200);
    expect(await sweep(700)).toEqual({ resent: 700, shardsLeftOver: 1 });
  });
});

describe('pause and resume', () => {
  it('a time-of-day wait held by a pause keeps its time', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'monday9' },
        { id: 'monday9', kind: 'wait', for: { type: 'time-of-day', hour: 9, weekdays: [1] }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    expect(await enrolContact(enrolMsg('c1'), w.deps)).toEqual({
      status: 'waiting',
      node: 'monday9',
      dueAt: '2026-12-14T09:00:00.000Z',
    });
    const waiting = stateOf(w, 'c1');
    await w.advanceTo(w.now() + DAY);
    w.setStatus('paused');
    expect(await runStep(stepOf(waiting), w.deps)).toEqual({ status: 'held', node: 'monday9' });
    await w.advanceTo(w.now() + 3_600_000);
    w.setStatus('active');
    expect(await runStep(stepOf(stateOf(w, 'c1')), w.deps)).toEqual({
      status: 'waiting',
      node: 'monday9',
      dueAt: '2026-12-14T09:00:00.000Z',
    });
    expect(w.sends.size).toBe(0);
  });

  it('a step that read "paused" but writes after the resume listed the held enrolments runs on', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('c1');
    await enrolContact(enrolMsg('c1'), w.deps);
    w.setStatus('paused');
    const queued: DripStepMessage[] = [];
    const resumeDeps = {
      held: async () => ({ enrolments: [...w.enrolments.values()].filter((e) => e.status === 'held') }),
      campaignStatus: async () => 'active',
      queue: { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) },
    };
    // Between the step's read of the campaign ("paused") and its write, the resume runs.
    let raced = false;
    const racing: StepDeps = {
      ...w.deps,
      enrolments: {
        ...w.deps.enrolments,
        async save(next, expected, deltas, condition) {
          if (next.status === 'held' && !raced) {
            raced = true;
            w.setStatus('active');
            await resumeHeldPage({ kind: 'resume-page', workspaceId: WS, campaignId: CAMPAIGN }, resumeDeps);
          }
          return w.deps.enrolments.save(next, expected, deltas, condition);
        },
      },
    };
    const timer = w.timers.shift()?.message as StepMessage;
    await w.advanceTo(w.now() + DAY);
    expect(await runStep(timer, racing)).toEqual({ status: 'ended', reason: 'completed' });
    // Only the resume's delayed recheck pass (no step: nothing was held when it read).
    expect(queued).toEqual([{ kind: 'resume-page', workspaceId: WS, campaignId: CAMPAIGN, recheck: true }]);
    expect(mailsTo(w, 'c1')).toHaveLength(1);
    expect(w.counters.get('waiting')).toBe(0);
  });

  it('archiving a paused campaign lets its held enrolments exit', async () => {
    const queued: DripStepMessage[] = [];
    const done = await resumeHeldPage(
      { kind: 'resume-page', workspaceId: WS, campaignId: CAMPAIGN },
      {
        held: async () => ({ enrolments: [{ ...heldState, contactId: 'h1' }] }),
        campaignStatus: async () => 'archived',
        queue: { sendAll: async (m) => void queued.push(...m) },
      },
    );
    expect(done).toEqual({ resumed: 1, more: false });
    expect(queued.filter((m) => m.kind === 'step')).toHaveLength(1);
  });

  it('resumes a hold the index shows only after the first pass read it, in the delayed recheck pass', async () => {
    // The held index (gsi2) is eventually consistent: the first pass sees nothing, a minute later it does.
    let reads = 0;
    const sent: Array<{ messages: readonly DripStepMessage[]; delaySeconds?: number }> = [];
    const deps = {
      held: async () => ({ enrolments: reads++ === 0 ? [] : [{ ...heldState, contactId: 'late' }] }),
      campaignStatus: async () => 'active',
      queue: {
        sendAll: async (messages: readonly DripStepMessage[], options?: { delaySeconds?: number }) =>
          void sent.push({
            messages,
            ...(options?.delaySeconds === undefined ? {} : { delaySeconds: options.delaySeconds }),
          }),
      },
    };
    const first = { kind: 'resume-page' as const, workspaceId: WS, campaignId: CAMPAIGN };
    expect(await resumeHeldPage(first, deps)).toEqual({ resumed: 0, more: false });
    const recheck = sent.find((s) => s.delaySeconds !== undefined);
    expect(recheck).toEqual({ messages: [{ ...first, recheck: true }], delaySeconds: RESUME_RECHECK_SECONDS });
    sent.length = 0;
    expect(await resumeHeldPage(recheck?.messages[0] as typeof first, deps)).toEqual({ resumed: 1, more: false });
    // The late hold's step is queued, and the recheck queues no recheck of its own.
    expect(sent.flatMap((s) => s.messages)).toEqual([
      { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'late', run: 1, step: 3 },
    ]);
  });
});

const heldState: EnrolmentState = {
  workspaceId: WS,
  campaignId: CAMPAIGN,
  contactId: 'h',
  run: 1,
  version: 1,
  node: 'wait',
  step: 3,
  status: 'held',
  enteredAt: '2026-12-07T10:00:00.000Z',
  emails: {},
  arms: {},
};

describe('a status change already made', () => {
  function memoryCampaigns(status: Campaign['status']): CampaignStore & { writes: number } {
    let stored: Campaign = {
      workspaceId: 'ws1',
      campaignId: 'c1',
      name: 'n',
      status,
      journey: { nodes: [] },
      rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      publishedVersion: 1,
      revision: 3,
      createdAt: '2026-12-07T10:00:00.000Z',
      updatedAt: '2026-12-07T10:00:00.000Z',
      createdBy: 'u1',
    };
    const store = {
      writes: 0,
      get: async () => structuredClone(stored),
      list: async () => ({ campaigns: [stored] }),
      create: async () => undefined,
      async replace(next: Campaign) {
        if (next.revision !== stored.revision + 1) return false;
        store.writes += 1;
        stored = structuredClone(next);
        return true;
      },
      publish: async () => false,
      version: async () => undefined,
    };
    return store;
  }
  const deps = (campaigns: CampaignStore) => ({ campaigns, now: () => new Date(), newId: () => 'x' });

  it('answers the campaign as it is and writes nothing, so a failed resume or archive can be retried', async () => {
    for (const [status, transition] of [
      ['active', 'resume'],
      ['paused', 'pause'],
      ['archived', 'archive'],
    ] as const) {
      const campaigns = memoryCampaigns(status);
      expect(await transitionCampaign('ws1', 'c1', transition, deps(campaigns))).toMatchObject({ status, revision: 3 });
      expect(campaigns.writes).toBe(0);
    }
  });

  it('still refuses an illegal one', async () => {
    await expect(transitionCampaign('ws1', 'c1', 'resume', deps(memoryCampaigns('draft')))).rejects.toMatchObject({
      code: 'ILLEGAL_CAMPAIGN_TRANSITION',
    });
    await expect(transitionCampaign('ws1', 'c1', 'pause', deps(memoryCampaigns('archived')))).rejects.toMatchObject({
      code: 'ILLEGAL_CAMPAIGN_TRANSITION',
    });
  });
});

describe('a frequency cap across campaigns', () => {
  it("lets only one of two campaigns' steps for the same contact through at the same moment", async () => {
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'mail' },
        { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    };
    const a = campaignWorld(journey, { frequencyCap: { max: 1, per: 'day' } });
    const b = campaignWorld(journey, { frequencyCap: { max: 1, per: 'day' } });
    a.addContact('c1');
    b.addContact('c1');
    // Both campaigns mail through the same pipeline (one send log, one cap lock per contact).
    const bDeps: StepDeps = { ...b.deps, mailer: a.deps.mailer };
    const [first, second] = await Promise.all([
      enrolContact(enrolMsg('c1', 'la'), a.deps),
      enrolContact(enrolMsg('c1', 'lb'), bDeps),
    ]);
    expect(mailsTo(a, 'c1')).toHaveLength(1);
    expect([first.status, second.status].sort()).toEqual(['ended', 'waiting']);
  });
});
