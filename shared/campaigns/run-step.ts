/**
 * The drip-step worker's use case: run an enrolment from its current node until it has to wait,
 * ends, or has made `MAX_HOPS` moves, then write the new state with a condition on the step it
 * read. Effects are keyed by (run, node, step): a redelivered, duplicated or stale message
 * (or one that lost the race to another copy) repeats no effect and changes nothing.
 *
 * Before any node, the enrolment leaves when the contact was deleted, unsubscribed (an opt-out, or
 * its status `unsubscribed`), bounced, complained or replied, or met the campaign's goal; a paused
 * campaign holds it (the due-time sweep brings it back on resume) and an archived one ends it.
 */
import { mailBlockFor, type SuppressionReason } from '../email/suppression-rules';
import { cutText } from '../security/cut-text';
import { answersConditions, type ConditionSubject, emailActivityOf } from './conditions';
import {
  awaitsGoal,
  creditedArms,
  type EnrolmentState,
  type ExitReason,
  GOAL_ELIGIBLE_EXITS,
  goalConversionCounters,
  HALTING_EXITS,
  haltedAfter,
  isFinished,
  mayReenter,
  type PublishedVersion,
  RECENT_LAUNCHES,
} from './enrolment';
import { executeNode, mailQueuedBefore, type NodeResult, unrecordedChoice } from './execute-node';
import type { JourneyNode } from './journey';
import type { EnrolMessage, StepMessage } from './messages';
import {
  ContactDeletedError,
  type ContactSnapshot,
  type CounterDeltas,
  type StepDeps,
  type StepQueue,
  type TimelineEntry,
} from './ports';
import { judgeWindow, TIMER_LATENESS_MS } from './windows';

/** Moves one message may make before it hands over to a fresh message (bounds an invocation). */
export const MAX_HOPS = 50;

export type StepOutcome =
  | { readonly status: 'stale'; readonly why: string }
  | { readonly status: 'not-enrolled'; readonly why: string }
  | { readonly status: 'waiting'; readonly node: string; readonly dueAt: string }
  | { readonly status: 'held'; readonly node: string }
  | { readonly status: 'ended'; readonly reason: ExitReason }
  | { readonly status: 'continues'; readonly node: string };

/** Enrols a contact (a new run when re-entry allows) and runs it from the trigger. */
export async function enrolContact(
  message: EnrolMessage | Omit<EnrolMessage, 'kind'>,
  deps: StepDeps,
  messageId?: string,
): Promise<StepOutcome> {
  const { workspaceId, campaignId, contactId } = message;
  const campaign = await deps.versions.load(workspaceId, campaignId);
  const live = campaign?.status === 'active' || campaign?.status === 'paused';
  if (live && !campaign?.published) throw versionNotReadable(campaignId);
  // A paused campaign enrols too (a launch or a trigger's message that met the pause): the new
  // enrolment is held at its trigger, like any step of a paused campaign, until the resume.
  if (!campaign?.published || !live) {
    return { status: 'not-enrolled', why: `campaign is ${campaign?.status ?? 'missing'}` };
  }
  const published = campaign.published;
  const now = deps.now();
  const previous = await deps.enrolments.get(workspaceId, campaignId, contactId);
  if (previous && !isFinished(previous)) {
    return (await timerAgain(previous, messageId, deps)) ?? { status: 'not-enrolled', why: 'already enrolled' };
  }
  // A second copy of the message that started an earlier run (an SQS redelivery, a retried launch
  // page, an event redelivered after a later event's run, a hook call retried after its key's day,
  // a launch resumed days later) is not a re-entry, whatever the rule: its launch id is among the
  // last runs' (`launches`), or, past them, was claimed as it left that list (below).
  const launches = previous?.launches ?? (previous?.launchId ? [previous.launchId] : []);
  if (previous && launches.includes(message.launchId)) {
    return (
      (await timerAgain(previous, messageId, deps)) ?? {
        status: 'not-enrolled',
        why: 'this launch enrolled it already',
      }
    );
  }
  if (previous && !mayReenter(published.rules.reentry, previous.endedAt, now)) {
    return { status: 'not-enrolled', why: 'already went through this campaign' };
  }
  // Read only where an id may have left the list (a contact past its 10th run) and a run could start.
  if (
    previous &&
    previous.run > launches.length &&
    (await deps.enrolments.launchClaimed(workspaceId, campaignId, contactId, message.launchId))
  ) {
    return { status: 'not-enrolled', why: 'this launch enrolled it already' };
  }
  const trigger = published.journey.nodes.find((n) => n.kind === 'trigger');
  if (!trigger) return { status: 'not-enrolled', why: 'the journey has no trigger' };
  // No record for a contact that is not there (a bad id, a delete racing a trigger): it would
  // count as entered and exited for nobody.
  const contact = await deps.contacts.snapshot(workspaceId, contactId);
  if (!contact || contact.deleted) return { status: 'not-enrolled', why: 'no such contact' };
  // The previous run still eligible for its campaign goal is judged now, a last time (the new run
  // takes its record): its conversion so far counts, and it leaves the due-time index.
  const before = previous && awaitsGoal(previous) ? await lastGoalJudgement(previous, deps) : previous;
  if (before && !isFinished(before)) return { status: 'not-enrolled', why: 'already enrolled' };
  // The launch ids this run pushes out of the recent list are claimed before the save that drops
  // them: every id that started a run stays known (a save lost after the claim leaves a claim of an
  // id that did start a run: true all the same).
  const recent = [...launches, message.launchId];
  const dropped = recent.slice(0, Math.max(0, recent.length - RECENT_LAUNCHES));
  if (dropped.length > 0) await deps.enrolments.claimLaunches(workspaceId, campaignId, contactId, dropped);
  // The runs stopped from outside stay known to the email sender's fence (send-fence.ts).
  const halted = haltedAfter(before);
  const fresh: EnrolmentState = {
    workspaceId,
    campaignId,
    contactId,
    ...(halted ? { halted } : {}),
    run: (before?.run ?? 0) + 1,
    version: published.version,
    node: trigger.id,
    step: (before?.step ?? -1) + 1,
    status: 'active',
    enteredAt: now.toISOString(),
    launchId: message.launchId,
    launches: recent.slice(-RECENT_LAUNCHES),
    moves: 0,
    emails: {},
    arms: {},
  };
  return advance(fresh, before?.step, published, deps, ['entered', `node:${trigger.id}:entered`], {
    messageId,
    contact,
    campaignStatus: campaign.status,
  });
}

/** Runs the enrolment a step message names, if it is still at that step. */
export async function runStep(message: StepMessage, deps: StepDeps, messageId?: string): Promise<StepOutcome> {
  const state = await deps.enrolments.get(message.workspaceId, message.campaignId, message.contactId);
  if (!state) return { status: 'stale', why: 'no such enrolment' };
  if (state.run !== message.run || state.step !== message.step) {
    return (await timerAgain(state, messageId, deps)) ?? { status: 'stale', why: 'it moved on' };
  }
  if (isFinished(state)) {
    if (!awaitsGoal(state)) return { status: 'stale', why: `it ${state.status}` };
    return judgeEndedGoal(state, deps, { messageId, wake: message.wake === true });
  }
  const campaign = await deps.versions.load(state.workspaceId, state.campaignId, state.version);
  // A version that cannot be read yet is retried (the message comes back), never taken for an end.
  if (campaign && !campaign.published && campaign.status !== 'archived') throw versionNotReadable(state.campaignId);
  if (!campaign?.published) return finishAs(state, 'archived', deps);
  return advance(state, state.step, campaign.published, deps, [], { campaignStatus: campaign.status, messageId });
}

const versionNotReadable = (campaignId: string) =>
  new Error(`The published version of campaign ${campaignId} cannot be read yet; the step is retried`);

/**
 * A step message's last delivery failed too (it goes to the dead-letter queue next): the
 * enrolment fails with `failure`, so it leaves the due-time index and the sweep stops bringing it
 * back. A redrive of the message afterwards finds it moved on and does nothing. False when the
 * enrolment is not at that step any more.
 */
export async function failStep(
  message: StepMessage,
  failure: string,
  deps: Pick<StepDeps, 'enrolments' | 'now'>,
): Promise<boolean> {
  const state = await deps.enrolments.get(message.workspaceId, message.campaignId, message.contactId);
  if (!state || state.run !== message.run || state.step !== message.step || isFinished(state)) return false;
  const ended = endState(state, 'failed', deps.now(), cutText(failure, 500));
  return deps.enrolments.save(ended, state.step, deltas(exitCounters(state, 'failed')));
}

/**
 * How to fail the run a node's error came from, at that node, as it stood in memory: kept by the
 * error (`failEnrolment`). Several runs may meet one error object (a shared read's failure).
 */
const failedRuns = new WeakMap<object, { state: EnrolmentState; fail: (failure: string) => Promise<boolean> }[]>();

function rememberFailedRun(error: unknown, state: EnrolmentState, fail: (failure: string) => Promise<boolean>): void {
  if (typeof error !== 'object' || error === null) return;
  let once = false;
  const entry = {
    state,
    fail: (failure: string) => {
      if (once) return Promise.resolve(false);
      once = true;
      return fail(failure);
    },
  };
  failedRuns.set(error, [...(failedRuns.get(error) ?? []), entry]);
}

/**
 * An enrol message's last delivery failed too (it goes to the dead-letter queue next), on a node of
 * the run it was starting (a marketing mail without a postal address): the enrolment is written as
 * `failed` at that node with `failure` and the run's counters (entered, exited:failed), so it is
 * listed, counted and can be retried (`retryEnrolment`). Written with the run's own condition (no
 * record yet, or the previous run's step): a copy that enrolled meanwhile wins, and a redrive finds
 * this launch's run and does nothing. False when `error` did not come from a node of this
 * message's run (nothing known to fail), or the record moved meanwhile.
 */
export async function failEnrolment(
  message: Omit<EnrolMessage, 'kind'>,
  error: unknown,
  failure: string,
): Promise<boolean> {
  const runs = typeof error === 'object' && error !== null ? (failedRuns.get(error) ?? []) : [];
  const run = runs.find(
    ({ state }) =>
      state.workspaceId === message.workspaceId &&
      state.campaignId === message.campaignId &&
      state.contactId === message.contactId &&
      state.launchId === message.launchId,
  );
  return run ? run.fail(cutText(failure, 500)) : false;
}

/**
 * The message that wrote `state`, delivered again: its process died after the write and maybe
 * before the timer was set, so the enrolment would wait for the sweep. The timer is set again
 * (a second one at the same step is harmless: whichever comes first moves it, the other is
 * stale). Any other message finding the enrolment moved on does nothing.
 */
async function timerAgain(
  state: EnrolmentState,
  messageId: string | undefined,
  deps: Pick<StepDeps, 'timers'>,
): Promise<StepOutcome | undefined> {
  // A waiting run's timer, or the deadline timer of an ended run still eligible for its goal.
  const dueAt = state.status === 'waiting' ? state.dueAt : awaitsGoal(state) ? state.goalUntil : undefined;
  if (!messageId || state.writtenBy !== messageId || !dueAt) return undefined;
  const { workspaceId, campaignId, contactId, run, step } = state;
  await deps.timers.set({ kind: 'step', workspaceId, campaignId, contactId, run, step }, new Date(dueAt));
  return { status: 'stale', why: 'delivered again after its write: timer set again' };
}

/**
 * Ends an enrolment from outside (a person exiting it, an archived campaign). A run that ended
 * already but is still eligible for its campaign goal (`goalUntil`) is taken out of the goal
 * instead: its eligibility is dropped (and its due-index entry with it) and its step moves on, so
 * its deadline timer and any wake find it moved; it keeps its end and no counter moves. False when
 * the enrolment ended otherwise or moved meanwhile.
 */
export async function exitEnrolment(
  state: EnrolmentState,
  reason: ExitReason,
  deps: Pick<StepDeps, 'enrolments' | 'now'>,
): Promise<boolean> {
  if (awaitsGoal(state)) {
    const { goalUntil: _until, writtenBy: _by, ...rest } = state;
    // Stopped from outside: a mail of the run still in the email pipeline is not sent (send-fence.ts).
    const halted = HALTING_EXITS.has(reason)
      ? { halted: [...(state.halted ?? []), state.run].slice(-RECENT_LAUNCHES) }
      : {};
    return deps.enrolments.save({ ...rest, ...halted, step: state.step + 1 }, state.step, {});
  }
  if (isFinished(state)) return false;
  const ended = endState(state, reason, deps.now());
  return deps.enrolments.save(ended, state.step, deltas(exitCounters(state, reason)));
}

/** Why a failed enrolment cannot be given another go, or undefined when it can. */
export function notRetryable(state: EnrolmentState, campaignStatus: string): string | undefined {
  if (state.status !== 'failed') return `It is ${state.status}, not failed`;
  if (state.failedFor === 'journey') return `Its version cannot run it again: ${state.failure ?? 'the journey'}`;
  if (campaignStatus === 'archived') return 'The campaign is archived';
  return undefined;
}

/**
 * Gives a failed enrolment another go at the node it failed on, once its cause is fixed (a
 * webhook receiver that refused, a template that did not render, an outage that outlasted the
 * step's retries). It waits, due now, and a step message is sent: the node runs as a retried
 * step, its effects keyed by the step at which it first arrived there (`nodeStep`), so what the
 * failed attempt did before it failed (an email sent, an action performed) is not done twice. A
 * paused campaign holds it as any other step. False when the enrolment moved meanwhile.
 */
export async function retryEnrolment(
  state: EnrolmentState,
  deps: Pick<StepDeps, 'enrolments' | 'now'> & { readonly queue: StepQueue },
): Promise<boolean> {
  const { endedAt: _ended, exitReason: _reason, failure: _failure, failedFor: _for, ...rest } = state;
  // The failed record is the state of the step that failed, its step moved on by one (endState):
  // the step that failed is `state.step - 1`. Put back as it stood with every step number moved up
  // by two (the failure's write and this one), and `keyShift` by as much, so its effect keys are
  // those of the failed step and of the run it made before failing (effectStep, execute-node.ts):
  // a node that ran before the failure (an email) is not done again, a wait keeps its target.
  const shift = 2;
  const next: EnrolmentState = {
    ...rest,
    step: state.step + 1,
    nodeStep: (state.nodeStep ?? state.step - 1) + shift,
    keyShift: (state.keyShift ?? 0) + shift,
    status: 'waiting',
    dueAt: state.dueAt ?? deps.now().toISOString(),
    retries: (state.retries ?? 0) + 1,
  };
  if (!(await deps.enrolments.save(next, state.step, deltas(['-exited:failed', 'retried', 'waiting'])))) return false;
  // The due-time index holds it too: a lost send is caught by the sweep.
  const { workspaceId, campaignId, contactId, run, step } = next;
  await deps.queue.sendAll([{ kind: 'step', workspaceId, campaignId, contactId, run, step }]);
  return true;
}

async function finishAs(state: EnrolmentState, reason: ExitReason, deps: StepDeps): Promise<StepOutcome> {
  const saved = await exitEnrolment(state, reason, deps);
  return saved ? { status: 'ended', reason } : { status: 'stale', why: 'it moved on' };
}

function endState(state: EnrolmentState, reason: ExitReason, now: Date, failure?: string): EnrolmentState {
  const { dueAt, nodeSince, ...rest } = state;
  return {
    ...rest,
    // A failed enrolment keeps where it stood (a wait's target, when its node began to hold), so a
    // retry (retryEnrolment) puts it back exactly there.
    ...(reason === 'failed' ? { ...(dueAt ? { dueAt } : {}), ...(nodeSince ? { nodeSince } : {}) } : {}),
    step: state.step + 1,
    status: reason === 'completed' || reason === 'converted' ? 'completed' : reason === 'failed' ? 'failed' : 'exited',
    endedAt: now.toISOString(),
    exitReason: reason,
    ...(failure ? { failure } : {}),
  };
}

const journeyFailure = (s: EnrolmentState): EnrolmentState => ({ ...s, failedFor: 'journey' });

const isWaiting = (s: EnrolmentState) => s.status === 'waiting' || s.status === 'held';

const exitCounters = (state: EnrolmentState, reason: ExitReason): string[] => [
  reason === 'completed' ? 'completed' : `exited:${reason}`,
  ...(isWaiting(state) ? ['-waiting'] : []),
];

async function advance(
  start: EnrolmentState,
  expectedStep: number | undefined,
  published: PublishedVersion,
  deps: StepDeps,
  counters: string[],
  options: {
    campaignStatus?: 'draft' | 'active' | 'paused' | 'archived';
    /** The queue message running it (see `writtenBy`). */
    messageId?: string | undefined;
    /** The contact, when the caller has just read it. */
    contact?: ContactSnapshot;
    /** Set when a hold lost to a resume (or archive) and the step runs again on the new status. */
    resumedOnce?: boolean;
  } = {},
): Promise<StepOutcome> {
  const { campaignStatus = 'active', messageId } = options;
  const now = deps.now();
  const tally: string[] = [...counters];
  // The step the stored record is at: moves on when a checkpoint is written (below).
  let expected = expectedStep;
  // A conversion counts once per run (a goal node met, then the campaign goal; a goal in a loop).
  let conversionCounted = start.converted === true;
  // The arms (and subject lines) credited with the conversion, as the run stood when it converted
  // (`creditedArms`, enrolment.ts): never an arm taken after it in the same save (a split placed
  // after a goal), nor a line recorded for a mail not sent yet (an email node that held).
  let creditedAtConversion: [string, string][] | undefined;
  const credited = (s: EnrolmentState) => creditedArms(s, published.journey);
  const save = async (
    moved: EnrolmentState,
    outcome: StepOutcome,
    timerAt?: Date,
    condition?: { whileCampaignHeld: true },
  ): Promise<StepOutcome> => {
    const { writtenBy: _previous, ...rest } = moved;
    const next: EnrolmentState = messageId ? { ...rest, writtenBy: messageId } : rest;
    const converts = tally.includes('converted');
    const counted = tally.filter((name) => name !== 'converted');
    // A conversion also counts for the arms it is credited with (A/B verdicts).
    if (converts && !conversionCounted) {
      counted.push('converted');
      for (const [node, arm] of creditedAtConversion ?? credited(next)) counted.push(`armconv:${node}:${arm}`);
    }
    if (!(await deps.enrolments.save(next, expected, deltas(counted), condition)))
      return { status: 'stale', why: condition ? 'it moved on, or the campaign runs again' : 'it moved on' };
    if (converts) conversionCounted = true;
    if (next.status === 'failed') deps.metrics?.enrolmentFailed();
    if (timerAt) {
      await deps.timers.set(
        {
          kind: 'step',
          workspaceId: next.workspaceId,
          campaignId: next.campaignId,
          contactId: next.contactId,
          run: next.run,
          step: next.step,
        },
        timerAt,
      );
    }
    return outcome;
  };
  // A waiting (or held) enrolment was counted as waiting when it began to wait.
  if (isWaiting(start)) tally.push('-waiting');

  const nodeAt = published.journey.nodes.find((n) => n.id === start.node);
  if (campaignStatus === 'archived') {
    const leaving = await withQueuedMail(nodeAt, start, deps, tally);
    tally.push('exited:archived');
    return save(endState(leaving, 'archived', now), { status: 'ended', reason: 'archived' });
  }
  if (campaignStatus === 'paused' || campaignStatus === 'draft') {
    // Held (out of the due index) until the resume pages through the campaign's held enrolments.
    // A waiting enrolment keeps its due time: a time-of-day wait reads it back as its target.
    // Saved only while the campaign is still paused: a resume that listed the held enrolments
    // before this write would never see it (the step then runs on the campaign as it is now).
    const held: EnrolmentState = {
      ...start,
      step: start.step + 1,
      nodeStep: start.nodeStep ?? start.step,
      status: 'held',
      dueAt: isWaiting(start) && start.dueAt ? start.dueAt : now.toISOString(),
    };
    tally.push('waiting');
    const outcome = await save(held, { status: 'held', node: start.node }, undefined, { whileCampaignHeld: true });
    if (outcome.status !== 'stale' || options.resumedOnce) return outcome;
    // Lost to a status change (or the enrolment moved): run on the campaign as it is now, once.
    const latest = await deps.versions.load(start.workspaceId, start.campaignId, start.version);
    const current = await deps.enrolments.get(start.workspaceId, start.campaignId, start.contactId);
    if (!latest?.published || current?.step !== expectedStep || latest.status === campaignStatus) return outcome;
    return advance(start, expectedStep, latest.published, deps, counters, {
      ...options,
      campaignStatus: latest.status,
      resumedOnce: true,
    });
  }

  const contact = options.contact ?? (await deps.contacts.snapshot(start.workspaceId, start.contactId));
  const { timeline, answering } = await timelineOf(start, published, contact, deps, now);
  // The contact's suppressions, read once: judged before any node, and by each email node for its topic.
  const suppressions =
    contact && !contact.deleted
      ? await deps.suppressions.reasonsFor(start.workspaceId, contact.email, start.contactId)
      : [];
  const exit =
    contact && !contact.deleted
      ? await exitBeforeNode(start, published, contact, timeline, answering, deps, now, 0, suppressions)
      : 'contact-deleted';
  if (exit || !contact || contact.deleted) {
    const reason: ExitReason = exit ?? 'contact-deleted';
    // The mail an earlier try of this step queued at the node before failing counts, and is credited.
    const leaving = await withQueuedMail(nodeAt, start, deps, tally);
    // The campaign goal met: the enrolment ends completed (its status), and converts (counted
    // once a run). Every end lands in one end bucket, so entered = waiting + completed + exited.
    if (reason === 'converted') {
      tally.push('completed', 'converted');
      creditedAtConversion = credited(leaving);
    } else tally.push(`exited:${reason}`);
    return save(endState(leaving, reason, now), { status: 'ended', reason });
  }

  const nodes = new Map(published.journey.nodes.map((n) => [n.id, n]));
  let state: EnrolmentState = { ...start, status: 'active' };
  // The contact as the nodes of this step see it: read again after an action of the step that
  // changes it (`changesContact`), so a condition, goal or mail after "add tag" / "set field" sees
  // the change (review round 18: they judged and merged the copy read before the action).
  let current: ContactSnapshot = contact;
  // Nodes reached in this run of moves. The node it starts at may come round once more if it is a
  // wait or a goal (a node that holds on a fresh arrival: a reminder loop through a goal's or an
  // event wait's timeout comes back to it and waits there again); any other node reached twice is
  // a loop that would act (mail) on every turn: the enrolment fails instead. Journey rules refuse
  // such loops on save (journey-rules.ts); this guards versions saved before, or a rule missed.
  const visits = new Map<string, number>();
  // Whether a move of this run was a decision (see `decides`) not written yet.
  let decided = false;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const node = nodes.get(state.node);
    if (!node) {
      tally.push('exited:failed');
      const failed = journeyFailure(
        endState(state, 'failed', now, `Node "${state.node}" is not in version ${state.version}`),
      );
      return save(failed, { status: 'ended', reason: 'failed' });
    }
    const seen = (visits.get(node.id) ?? -1) + 1;
    visits.set(node.id, seen);
    const holdsOnArrival = node.kind === 'wait' || node.kind === 'goal';
    if (seen > (node.id === start.node && holdsOnArrival ? 1 : 0)) {
      tally.push('exited:failed');
      const failure = `The journey loops back to node "${node.id}" without waiting`;
      return save(journeyFailure(endState(state, 'failed', now, failure)), { status: 'ended', reason: 'failed' });
    }
    // A decision of this run is written before the node it led to acts. Two copies of a step (a
    // timer and a wake, a sweep's re-send) may judge a condition otherwise a moment apart, and a
    // retry after a failure further on may too: each would act on its own branch under its own
    // key. With the checkpoint, the copy whose write loses stops before acting, and a retry
    // continues from this node (the message that wrote it sets its timer again: timerAgain).
    // A node whose own effect rests on a choice that reads mutable campaign state (an email's
    // subject variant: the promotion in force) is such a decision too: the choice is recorded in
    // the same checkpoint before the node acts, so a redelivered or retried step reads it back
    // and never mails one subject line while recording another.
    const choice = unrecordedChoice(node, state, published.rules);
    if ((decided && acts(node)) || choice) {
      if (choice) state = { ...state, ...choice };
      // A choice at the node the step started from (a handover, or held there before variants
      // were recorded on arrival) moves the step on, so a racing copy's write at the step it read
      // loses; the node keeps the key of the step it arrived at (`nodeStep`), as a hold does.
      if (state.step === expected) state = { ...state, step: state.step + 1, nodeStep: state.nodeStep ?? state.step };
      tally.push('waiting');
      const checkpoint: EnrolmentState = { ...state, status: 'waiting', dueAt: now.toISOString() };
      const written = await save(checkpoint, { status: 'continues', node: node.id });
      if (written.status === 'stale') return written;
      expected = checkpoint.step;
      tally.length = 0;
      tally.push('-waiting');
      decided = false;
    }
    // An action acts here and now (a webhook's POST, a tag, a field, the score, a notification): a
    // person's exit, a pause or an archive answered while this step ran must stop it. So the
    // enrolment and the campaign are read again right before it acts (review round 26; an email
    // node is fenced later still, by the sender: send-fence.ts). Moved on (an exit, another copy):
    // stale, nothing acts. Paused or archived: held or ended here, as a step starting now would be.
    if (node.kind === 'action') {
      const stored = await deps.enrolments.get(state.workspaceId, state.campaignId, state.contactId);
      if (stored?.step !== expected) return { status: 'stale', why: 'it moved on before its action acted' };
      const latest = await deps.versions.load(state.workspaceId, state.campaignId, state.version);
      if (latest?.status === 'active' && !latest.published) throw versionNotReadable(state.campaignId);
      if (!latest?.published || latest.status === 'archived') {
        tally.push('exited:archived');
        return save(endState(state, 'archived', now), { status: 'ended', reason: 'archived' });
      }
      if (latest.status !== 'active') {
        const held: EnrolmentState = {
          ...state,
          step: state.step + 1,
          nodeStep: state.nodeStep ?? state.step,
          status: 'held',
          dueAt: now.toISOString(),
        };
        tally.push('waiting');
        const outcome = await save(held, { status: 'held', node: node.id }, undefined, { whileCampaignHeld: true });
        if (outcome.status !== 'stale') return outcome;
        // Resumed (or moved) since: its message comes back and runs on the record and campaign as they are then.
        throw new Error(`Campaign ${state.campaignId} changed status while a step ran; the step is retried`);
      }
    }
    const subject = subjectOf(state, current, answering, now);
    const result: NodeResult = await executeNode(node, {
      state,
      rules: published.rules,
      contact: current,
      subject,
      now,
      journey: published.journey,
      suppressions,
      deps,
    }).catch((error: unknown): NodeResult => {
      // The contact deleted since the step read it, as the node found: it exits as one deleted
      // before the step does (no failure to count, alarm on or retry).
      if (error instanceof ContactDeletedError) return { kind: 'end', reason: 'contact-deleted' };
      // Kept with the error: the last delivery of an enrol message fails the run at this node.
      const at = state;
      rememberFailedRun(error, at, async (failure) => {
        tally.push('exited:failed');
        const ended = endState(at, 'failed', deps.now(), failure);
        return (await save(ended, { status: 'ended', reason: 'failed' })).status === 'ended';
      });
      throw error;
    });
    if (result.kind !== 'hold') {
      tally.push(...(result.counters ?? []));
      if (creditedAtConversion === undefined && result.counters?.includes('converted')) {
        creditedAtConversion = credited(state);
      }
    }
    switch (result.kind) {
      case 'move': {
        const { nodeSince: _since, dueAt: _due, nodeStep: _arrived, ...rest } = state;
        state = {
          ...rest,
          ...result.set,
          ...(state.moves === undefined ? {} : { moves: state.moves + 1 }),
          node: result.next,
          step: state.step + 1,
          status: 'active',
        };
        tally.push(`node:${result.next}:entered`);
        if (decides(node)) decided = true;
        if (changesContact(node)) {
          // Deleted meanwhile: the next node meets it as one deleted after the step read it.
          const fresh = await deps.contacts.snapshot(state.workspaceId, state.contactId);
          if (fresh && !fresh.deleted) current = fresh;
        }
        break;
      }
      case 'hold': {
        const { nodeSince: _since, ...rest } = state;
        const waiting: EnrolmentState = {
          ...rest,
          step: state.step + 1,
          nodeStep: state.nodeStep ?? state.step,
          status: 'waiting',
          dueAt: result.dueAt.toISOString(),
          ...(result.nodeSince ? { nodeSince: result.nodeSince } : {}),
        };
        tally.push('waiting');
        const held = await save(
          waiting,
          { status: 'waiting', node: state.node, dueAt: waiting.dueAt as string },
          result.dueAt,
        );
        if (held.status === 'waiting' && awaitsContact(node)) {
          await lookAgainAfterHold(node, waiting, published, contact, answering, deps, now);
        }
        return held;
      }
      case 'end': {
        if (result.reason === 'completed') tally.push('completed');
        else if (result.reason !== 'holdout') tally.push(`exited:${result.reason}`);
        else tally.push('exited:holdout');
        const ended = endState(state, result.reason, now, result.failure);
        const outcome: StepOutcome = { status: 'ended', reason: result.reason };
        // Ended before its campaign goal's window closed: still eligible for the goal until then,
        // judged when an event wakes it and, at the latest, by this timer at the deadline.
        const until = goalDeadlineAfterEnd(ended, published, now);
        if (!until) return save(ended, outcome);
        return save({ ...ended, goalUntil: until.toISOString() }, outcome, until);
      }
    }
  }
  // Many moves without a wait: hand over to a fresh message so no invocation runs long.
  const handover: EnrolmentState = { ...state, step: state.step + 1, status: 'waiting', dueAt: now.toISOString() };
  tally.push('waiting');
  return save(handover, { status: 'continues', node: state.node }, now);
}

/**
 * Whether the way a node moves on can differ between two runs of the same step: a condition, a
 * goal or a wait for an event read the contact as it is at that moment; a split reads the
 * promotion in force. Waits for a duration or a time move on the same way every time. (An email
 * node's subject variant reads the promotion too; it is recorded before that very node acts:
 * `unrecordedChoice`, execute-node.ts.)
 */
const decides = (node: JourneyNode): boolean =>
  node.kind === 'condition' ||
  node.kind === 'split' ||
  node.kind === 'goal' ||
  (node.kind === 'wait' && node.for.type === 'event');

/** Whether a node is an action that changes the contact (its tags, fields or score). */
const changesContact = (node: JourneyNode): boolean =>
  node.kind === 'action' && node.action.type !== 'webhook' && node.action.type !== 'notify-user';

/** Whether a node holds until the contact does something (or its tags, fields or score change). */
const awaitsContact = (node: JourneyNode): boolean =>
  node.kind === 'goal' || (node.kind === 'wait' && node.for.type === 'event');

/**
 * After a hold at a wait for an event or a goal is saved: what the contact did while the step ran
 * (after its reads, before the save) woke nothing, as the wake (wake-on-event.ts) found no
 * enrolment waiting there yet. The contact is read again (its timeline too, only when its latest
 * interaction moved since the step's read) and the node judged on it; when it would move now, the
 * timer of the step just written is set for now (the saved one stays: whichever fires first moves
 * the enrolment, the other finds it moved on), so it moves at once instead of at the next poll.
 * Nothing is written: effects stay keyed by step, once. (Review round 18.)
 */
async function lookAgainAfterHold(
  node: JourneyNode,
  waiting: EnrolmentState,
  published: PublishedVersion,
  read: ContactSnapshot,
  answering: readonly TimelineEntry[],
  deps: StepDeps,
  now: Date,
): Promise<void> {
  const seen = await deps.contacts.snapshot(waiting.workspaceId, waiting.contactId);
  if (!seen || seen.deleted) return;
  const moved = seen.lastInteractionAt === undefined || seen.lastInteractionAt !== read.lastInteractionAt;
  const latest = moved ? (await timelineOf(waiting, published, seen, deps, now)).answering : answering;
  const state: EnrolmentState = { ...waiting, status: 'active' };
  // A wait or a goal only reads what it is given: nothing acts.
  const again = await executeNode(node, {
    state,
    rules: published.rules,
    contact: seen,
    subject: subjectOf(state, seen, latest, now),
    now,
    journey: published.journey,
    suppressions: [],
    deps,
  });
  if (again.kind === 'hold') return;
  const { workspaceId, campaignId, contactId, run, step } = waiting;
  await deps.timers.set({ kind: 'step', workspaceId, campaignId, contactId, run, step }, now);
}

/**
 * `state` with the send of the mail its current node queued in an earlier try of the step that
 * failed before its save (execute-node.ts `mailQueuedBefore`), its counters added to `tally`: for a
 * step that exits before running the node again. Counted with the exit's save, so once.
 */
async function withQueuedMail(
  node: JourneyNode | undefined,
  state: EnrolmentState,
  deps: StepDeps,
  tally: string[],
): Promise<EnrolmentState> {
  const queued = await mailQueuedBefore(node, state, deps);
  if (!queued) return state;
  tally.push(...queued.counters);
  return { ...state, ...queued.set };
}

/** Whether a node has an effect outside the enrolment (mail, a webhook, a tag, a score). */
const acts = (node: JourneyNode): boolean => node.kind === 'email' || node.kind === 'action';

/**
 * The contact's interactions a step judges, read once: far enough back for every window judged in
 * this step: the journey's own interactions (since it entered), and a condition's days counted
 * back from the moment it is judged, which for a late step is a deadline: never before the
 * enrolment entered. Opens and clicks flagged as a bot or a privacy proxy stay on the timeline but
 * answer no condition: every condition, goal, campaign goal and wait for an event of the step
 * reads `answering`, built here once. Only the reply check reads the whole timeline (a reply is no
 * tracking hit and is never flagged).
 */
async function timelineOf(
  state: EnrolmentState,
  published: PublishedVersion,
  contact: ContactSnapshot | undefined,
  deps: StepDeps,
  now: Date,
): Promise<{ timeline: readonly TimelineEntry[]; answering: readonly TimelineEntry[] }> {
  const since = Math.min(Date.parse(state.enteredAt), now.getTime()) - lookbackDays(published) * 86_400_000;
  const timeline =
    contact && !contact.deleted && mayHaveInteractionsSince(contact, since)
      ? await deps.contacts.timelineSince(state.workspaceId, state.contactId, new Date(since))
      : [];
  return { timeline, answering: timeline.filter(answersConditions) };
}

/**
 * The deadline of the campaign goal's window when the run `ended` stays eligible for it after
 * its end (`goalUntil`): the campaign has a goal, the run has not converted, it ended in a way
 * that does not take it out of the campaign (GOAL_ELIGIBLE_EXITS), and the window is still open.
 */
function goalDeadlineAfterEnd(ended: EnrolmentState, published: PublishedVersion, now: Date): Date | undefined {
  const goal = published.rules.goal;
  if (!goal || ended.converted === true || !ended.exitReason || !GOAL_ELIGIBLE_EXITS.has(ended.exitReason)) {
    return undefined;
  }
  const deadline = Date.parse(ended.enteredAt) + goal.withinDays * 86_400_000;
  return deadline > now.getTime() ? new Date(deadline) : undefined;
}

/**
 * A run that ended before its campaign goal's window closed (`goalUntil`), brought back by a wake
 * (an event that could meet the goal) or by its timer at the deadline. Nothing runs: no node, no
 * mail. The goal is judged as a waiting run's would be before any node (`exitBeforeNode`, with the
 * deadline timer's lateness): met, the run converts (status `completed` stays, a `completed` end
 * becomes `converted`; an exit keeps its reason, as how a run ended is counted apart from whether
 * it converted) and counts `converted` (a held-out run: its holdout's `armconv:` instead) and the
 * `armconv:` of the arms it is credited with (`goalConversionCounters`, enrolment.ts), once, with no end
 * counter moved: written on condition of the step it was read at, which moves on, so a racing
 * wake, a second copy or the deadline timer finds it moved and counts nothing again. Not met while
 * the window is open: nothing is written and no timer set (the deadline timer set at its end, at
 * this very step, still stands), so an event that does not meet the goal costs only its reads;
 * only a message that is no wake (a link of a chained timer, which fires early) sets the next link,
 * at the same step. The window closed, a suppression or a reply (which would have ended a waiting
 * run unconverted), the contact deleted or the campaign archived: it leaves eligibility (and the
 * due-time index) without converting.
 */
async function judgeEndedGoal(
  state: EnrolmentState,
  deps: StepDeps,
  how: {
    readonly messageId?: string | undefined;
    /** Brought back by a contact's event (wake-on-event.ts), not by a timer. */
    readonly wake?: boolean;
    /** The last judgement (a re-entry takes the record): a goal not met yet is not met. */
    readonly last?: boolean;
  } = {},
): Promise<StepOutcome> {
  const { messageId, wake = false, last = false } = how;
  const now = deps.now();
  const campaign = await deps.versions.load(state.workspaceId, state.campaignId, state.version);
  if (campaign && !campaign.published && campaign.status !== 'archived') throw versionNotReadable(state.campaignId);
  const published = campaign?.status === 'archived' ? undefined : campaign?.published;
  const goal = published?.rules.goal;
  const contact = published && goal ? await deps.contacts.snapshot(state.workspaceId, state.contactId) : undefined;
  let verdict: ExitReason | 'open' | 'closed' = 'closed';
  let deadline = 0;
  if (published && goal && contact && !contact.deleted) {
    deadline = Date.parse(state.enteredAt) + goal.withinDays * 86_400_000;
    const { timeline, answering } = await timelineOf(state, published, contact, deps, now);
    const exit = await exitBeforeNode(state, published, contact, timeline, answering, deps, now, TIMER_LATENESS_MS);
    verdict = exit ?? (now.getTime() < deadline && !last ? 'open' : 'closed');
  }
  const ended: StepOutcome = { status: 'ended', reason: state.exitReason ?? 'completed' };
  if (verdict === 'open') {
    // Still eligible, as it stands: the deadline timer of this step judges it there.
    if (!wake) {
      const { workspaceId, campaignId, contactId, run, step } = state;
      await deps.timers.set({ kind: 'step', workspaceId, campaignId, contactId, run, step }, new Date(deadline));
    }
    return ended;
  }
  const { goalUntil: _until, writtenBy: _by, ...rest } = state;
  const next: EnrolmentState = { ...rest, step: state.step + 1, ...(messageId ? { writtenBy: messageId } : {}) };
  const stale: StepOutcome = { status: 'stale', why: 'it moved on' };
  // Met: judged on `published` (a goal and a contact were read).
  if (verdict === 'converted' && published) {
    const converted: EnrolmentState = {
      ...next,
      converted: true,
      ...(state.exitReason === 'completed' ? { exitReason: 'converted' as const } : {}),
    };
    const counters = deltas(goalConversionCounters(state, published.journey));
    const saved = await deps.enrolments.save(converted, state.step, counters);
    return saved ? { status: 'ended', reason: 'converted' } : stale;
  }
  return (await deps.enrolments.save(next, state.step, {})) ? ended : stale;
}

/** {@link judgeEndedGoal} for the last time, then the record as it is now (a racing copy may have won). */
async function lastGoalJudgement(state: EnrolmentState, deps: StepDeps): Promise<EnrolmentState | undefined> {
  await judgeEndedGoal(state, deps, { last: true });
  return deps.enrolments.get(state.workspaceId, state.campaignId, state.contactId);
}

/** Why the enrolment must leave before running a node, if it must. */
async function exitBeforeNode(
  state: EnrolmentState,
  published: PublishedVersion,
  contact: ContactSnapshot,
  timeline: readonly TimelineEntry[],
  /** The timeline's interactions that answer conditions (bots left out). */
  answering: readonly TimelineEntry[],
  deps: StepDeps,
  now: Date,
  /** How late past the goal's deadline tags, fields and the score still answer (judgeWindow): 0 but for the deadline's own timer. */
  lateness = 0,
  /** The contact's suppressions when the caller read them already. */
  known?: readonly SuppressionReason[],
): Promise<ExitReason | undefined> {
  const reasons = known ?? (await deps.suppressions.reasonsFor(state.workspaceId, contact.email, state.contactId));
  // Its status too (`unsubscribed`, e.g. imported from another CRM): the rule every audience asks.
  // Asked with no topic: a topic opt-out never ends the run, its email nodes skip (execute-node.ts).
  const blocking = mailBlockFor({ status: contact.fields.status }, reasons, 'marketing');
  if (blocking) return exitForSuppression(blocking);
  const entered = Date.parse(state.enteredAt);
  if (timeline.some((i) => i.type === 'email_replied' && Date.parse(i.occurredAt) >= entered)) return 'replied';
  const goal = published.rules.goal;
  if (goal) {
    // Judged as at its deadline once that has passed (a paused campaign, a late step): windows.ts.
    const deadline = entered + goal.withinDays * 86_400_000;
    const judged = judgeWindow(goal.if, subjectOf(state, contact, answering, now), deadline, state.emails, lateness);
    if (judged === 'met') return 'converted';
  }
  return undefined;
}

/** The exit of an enrolment whose contact may no longer get marketing mail, by the suppression's reason. */
export function exitForSuppression(reason: SuppressionReason): ExitReason {
  switch (reason) {
    case 'hard-bounce':
    case 'soft-bounces':
      return 'bounced';
    case 'complaint':
      return 'complained';
    case 'manual':
      return 'suppressed';
    default:
      // 'unsubscribe', and a topic opt-out (`unsubscribe:topic:...`) that blocks this mail.
      return 'unsubscribed';
  }
}

/** The longest look-back any condition of the journey needs, in days. */
function lookbackDays(published: PublishedVersion): number {
  let days = 0;
  const visit = (c: unknown): void => {
    if (!c || typeof c !== 'object') return;
    const cond = c as { type?: string; withinDays?: number; of?: unknown };
    if (cond.type === 'interaction' && typeof cond.withinDays === 'number') days = Math.max(days, cond.withinDays);
    if (Array.isArray(cond.of)) cond.of.forEach(visit);
    else if (cond.of) visit(cond.of);
  };
  for (const node of published.journey.nodes) if (node.kind === 'condition' || node.kind === 'goal') visit(node.if);
  if (published.rules.goal) visit(published.rules.goal.if);
  return days;
}

/**
 * Whether the contact's timeline can hold an interaction at or after `sinceMs`: not when its latest
 * interaction is known and older (or it has none), so a step of a contact that has done nothing
 * since it entered (typically its first, before any mail of the journey was delivered) costs no
 * timeline read.
 */
export function mayHaveInteractionsSince(contact: ContactSnapshot, sinceMs: number): boolean {
  if (contact.lastInteractionAt === undefined) return true;
  if (contact.lastInteractionAt === null) return false;
  const last = Date.parse(contact.lastInteractionAt);
  return Number.isNaN(last) || last >= sinceMs;
}

/** What conditions, goals and waits for an event are judged on: `answering`, the interactions that answer conditions. */
function subjectOf(
  state: EnrolmentState,
  contact: ContactSnapshot,
  answering: readonly TimelineEntry[],
  now: Date,
): ConditionSubject {
  return {
    contact: { fields: contact.fields, tags: contact.tags, score: contact.score, tier: contact.tier },
    interactions: answering,
    emailActivity: emailActivityOf(state.emails, answering),
    now,
  };
}

function deltas(names: readonly string[]): CounterDeltas {
  const out: CounterDeltas = {};
  for (const name of names) {
    const [key, by] = name.startsWith('-') ? [name.slice(1), -1] : [name, 1];
    out[key] = (out[key] ?? 0) + by;
  }
  return out;
}
