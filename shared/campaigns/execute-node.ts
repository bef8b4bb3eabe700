/**
 * What one journey node does for one enrolment, given what the step runner gathered. Effects
 * (a queued email, an action) go through ports with a key unique per (run, node, step), so a
 * replay of the same step repeats nothing; the result says where the enrolment goes next.
 */
import { UnqueueableSendError } from '../email/send-request';
import { mailBlockFor, optedOutTopic, type SuppressionReason } from '../email/suppression-rules';
import type { AbAttribution } from '../email/tracking-token';
import { type Condition, type ConditionSubject, holds } from './conditions';
import type { CampaignRules, EnrolmentState, ExitReason } from './enrolment';
import { nextAllowedSend } from './frequency-cap';
import { durationMs, type Journey, type JourneyNode } from './journey';
import { ActionFailedError, type ContactSnapshot, type StepDeps } from './ports';
import { nextTimeOfDay, nextWindowOpening, type ZonedSendWindow } from './send-window';
import { armFor, HOLDOUT_ARM, promotedArm, promotedVariant, subjectLineId, variantFor } from './split';
import { judgeWindow, occurredWithin, TIMER_LATENESS_MS } from './windows';

export type NodeResult =
  /** Go on to `next` now. */
  | {
      readonly kind: 'move';
      readonly next: string;
      readonly set?: Partial<EnrolmentState>;
      readonly counters?: string[];
    }
  /** Stay on this node until `dueAt` (`nodeSince` marks when the holding began). */
  | { readonly kind: 'hold'; readonly dueAt: Date; readonly nodeSince?: string }
  /** The enrolment ends here. */
  | { readonly kind: 'end'; readonly reason: ExitReason; readonly failure?: string; readonly counters?: string[] };

export interface NodeContext {
  readonly state: EnrolmentState;
  readonly rules: CampaignRules;
  readonly contact: ContactSnapshot;
  readonly subject: ConditionSubject;
  readonly now: Date;
  /** The journey of the enrolment's version (which of its A/B nodes are splits). */
  readonly journey: Journey;
  /**
   * The contact's suppressions (its address's and its own opt-outs) as the step read them before
   * any node (run-step.ts `exitBeforeNode`, which ends the run on one that blocks all marketing
   * mail): what is left to judge here are topic opt-outs, against each email's template topic.
   */
  readonly suppressions: readonly SuppressionReason[];
  readonly deps: Pick<StepDeps, 'mailer' | 'actions'>;
}

/**
 * How often a wait for an event or a goal looks again: a 12th of its window, between 1 h and 12 h.
 * A safety net: the contact's domain events wake such a node at once (wake-on-event.ts). The poll
 * still catches what publishes no event (a custom field or status edited, a tag removed, a score
 * decaying) and a wake lost on the way; 12 h bounds how late those are seen, while a 90-day goal
 * looks 180 times instead of the 360 of a 6-hour poll.
 */
export function pollIntervalMs(windowMs: number): number {
  return Math.min(12 * 3_600_000, Math.max(3_600_000, Math.floor(windowMs / 12)));
}

/**
 * The key of a node's effect: unique per enrolment run, node and the step it arrived there at,
 * so a node that holds (send window, frequency cap, pause) and runs again later, or a retried
 * step that was deferred meanwhile, repeats the same key and no effect.
 */
export const effectKey = (s: EnrolmentState, nodeId: string): string =>
  `campaign#${s.campaignId}#${s.contactId}#${s.run}#${nodeId}#${effectStep(s)}`;

/**
 * What a node's effects are keyed by: the moves of the run at its arrival (`moves`); for a run
 * started before that count existed, the arrival step less the shift of retries (`keyShift`).
 */
export const effectStep = (s: EnrolmentState): number => s.moves ?? (s.nodeStep ?? s.step) - (s.keyShift ?? 0);

export async function executeNode(node: JourneyNode, ctx: NodeContext): Promise<NodeResult> {
  const { state, now } = ctx;
  switch (node.kind) {
    case 'trigger':
      return { kind: 'move', next: node.next };
    case 'exit':
      return { kind: 'end', reason: 'completed' };
    case 'email':
      return emailNode(node, ctx);
    case 'condition':
      return { kind: 'move', next: holds(node.if, ctx.subject) ? node.yes : node.no };
    case 'split': {
      // A split inside a loop: the contact keeps the arm it took on its first pass of this run, the
      // arm it was counted in (entered once per run, as its opens, clicks and conversions are), so
      // a promotion made between two passes moves only new arrivals, never one already counted.
      const taken = node.arms.find((a) => a.id === state.arms[node.id]);
      if (taken) return { kind: 'move', next: taken.next };
      const hashed = armFor(node, state.campaignId, state.contactId);
      // The holdout ends here, mailed nothing; under a campaign goal it stays eligible for it
      // (enrolment.ts GOAL_ELIGIBLE_EXITS), so the control group's conversions are measured.
      if (!hashed) return { kind: 'end', reason: 'holdout', counters: [`arm:${node.id}:${HOLDOUT_ARM}`] };
      // A promoted winner takes every first arrival but the holdout (promotion.ts). One the node's
      // `promote` rule calls for is written by the engine as the step loads its version, and is in
      // `rules.promotions` already for the arrival that found it due (promotion.ts
      // `autoPromotingVersions`); an email node's subject line reads the same (`chooseVariant`).
      const arm = promotedArm(node, ctx.rules.promotions) ?? hashed;
      return {
        kind: 'move',
        next: arm.next,
        set: { arms: { ...state.arms, [node.id]: arm.id } },
        counters: [`arm:${node.id}:${arm.id}`],
      };
    }
    case 'action':
      try {
        await ctx.deps.actions.perform(node.action, {
          workspaceId: state.workspaceId,
          campaignId: state.campaignId,
          contactId: state.contactId,
          idempotencyKey: effectKey(state, node.id),
          nodeId: node.id,
          version: state.version,
          run: state.run,
          step: effectStep(state),
          ...(state.retries ? { retry: state.retries } : {}),
        });
      } catch (error) {
        if (error instanceof ActionFailedError) return { kind: 'end', reason: 'failed', failure: error.message };
        throw error;
      }
      return { kind: 'move', next: node.next };
    case 'wait':
      return waitNode(node, ctx);
    case 'goal': {
      const since = state.nodeSince ? Date.parse(state.nodeSince) : now.getTime();
      return awaitCondition(node.if, ctx, since, durationMs(node.within), {
        met: {
          kind: 'move',
          next: node.next,
          set: { converted: true },
          counters: ['converted', `node:${node.id}:converted`],
        },
        timedOut: node.timeoutNext ? { kind: 'move', next: node.timeoutNext } : { kind: 'end', reason: 'goal-not-met' },
      });
    }
  }
}

async function emailNode(node: Extract<JourneyNode, { kind: 'email' }>, ctx: NodeContext): Promise<NodeResult> {
  const { state, rules, contact, now } = ctx;
  // The template's category and topic, read only when they decide something: a capped campaign
  // caps marketing mail only; a contact who opted out of a topic gets no marketing mail of it.
  const optedOut = ctx.suppressions.some((r) => optedOutTopic(r) !== undefined);
  const template =
    rules.frequencyCap || optedOut
      ? await ctx.deps.mailer.templateOf(state.workspaceId, node.templateId, node.version)
      : undefined;
  // The rule the sender applies (`mailBlockFor` with the template's topic), applied before the mail
  // is queued: a mail of a topic the contact left is skipped, neither queued nor logged for the cap
  // (where it would defer the topics the contact kept), nor waiting for the send window or the cap;
  // the journey goes on. Counted `node:<id>:suppressed`.
  const blocked =
    template && mailBlockFor({ status: contact.fields.status }, ctx.suppressions, template.category, template.topic);
  if (blocked) return skipped(node, state);
  const zone = contact.timeZone ?? rules.timeZone;
  if (rules.sendWindow) {
    const opening = nextWindowOpening(now, rules.sendWindow, zone);
    if (opening.getTime() > now.getTime()) return { kind: 'hold', dueAt: opening };
  }
  // The window travels with the mail: the sender holds it if it keeps it past the window's end.
  const window = rules.sendWindow ? { ...rules.sendWindow, zone } : undefined;
  // The cap is of marketing mail: a transactional template (a receipt, a confirmation) is neither
  // counted nor logged for it, so it is not held by it either, and takes no cap lock.
  if (!rules.frequencyCap || template?.category !== 'marketing') return sendEmail(node, ctx, window);
  const cap = rules.frequencyCap;
  // Capped: check and send under the contact's cap lock, so two campaigns' steps for the same
  // contact cannot both see room for one more mail and both send. Busy: try again a minute later.
  const release = await ctx.deps.mailer.capLock(state.workspaceId, state.contactId);
  if (!release) return { kind: 'hold', dueAt: new Date(now.getTime() + CAP_BUSY_RETRY_MS) };
  try {
    const key = effectKey(state, node.id);
    // This node's own earlier send (a retried step) is not one more mail.
    const recent = await ctx.deps.mailer.recentMarketingSends(
      state.workspaceId,
      state.contactId,
      now.getTime() - 7 * 86_400_000,
      key,
    );
    const allowed = nextAllowedSend(cap, recent, now.getTime());
    if (allowed > now.getTime()) return { kind: 'hold', dueAt: new Date(allowed) };
    return await sendEmail(node, ctx, window);
  } finally {
    await release();
  }
}

/**
 * An email node whose mail the contact may not get (a topic opt-out): it moves on, counted
 * `node:<id>:suppressed`, with no send. A subject variant recorded for it by the step's checkpoint
 * (`unrecordedChoice`) is taken back, unless this run mailed the node before (a loop): a variant the
 * contact never got is not its arm, so its conversions count for no line.
 */
function skipped(node: Extract<JourneyNode, { kind: 'email' }>, state: EnrolmentState): NodeResult {
  const { [node.id]: unsent, ...arms } = state.arms;
  const forget = unsent !== undefined && state.emails[node.id] === undefined;
  return {
    kind: 'move',
    next: node.next,
    ...(forget ? { set: { arms } } : {}),
    counters: [`node:${node.id}:suppressed`],
  };
}

/**
 * The mail an email node queued in an earlier try of the step that failed before its save (a
 * transient error further on, a crash, a timeout), when the step now exits before running the node
 * again (the campaign goal met, a suppression, a reply, the contact deleted, the campaign archived):
 * what the node's move would have recorded, its send (`emails`) and its counters (`sent`,
 * `node:<id>:sent`, the `variant:` of its subject line, the line recorded by the step's
 * checkpoint), so the exit counts the mail, once (the exit's save is conditional on the step, so a
 * racing copy or a third delivery counts nothing), and a conversion credits its line
 * (enrolment.ts `creditedArms`). Undefined when `node` is no email node, or no mail of its key
 * (`effectKey`) was found queued (`CampaignMailer.queued`: the marketing send log; a transactional
 * mail is not logged, so not found). One read, on an exit at an email node only.
 */
export async function mailQueuedBefore(
  node: JourneyNode | undefined,
  state: EnrolmentState,
  deps: Pick<StepDeps, 'mailer'>,
): Promise<{ readonly set: Pick<EnrolmentState, 'emails'>; readonly counters: string[] } | undefined> {
  if (node?.kind !== 'email' || !deps.mailer.queued) return undefined;
  const queued = await deps.mailer.queued(state.workspaceId, state.contactId, effectKey(state, node.id));
  // Recorded already (its move was saved): a pass of a loop keeps the send of its own key.
  if (!queued || state.emails[node.id] === queued.sendId) return undefined;
  const lines = node.subjectVariants;
  const line = lines ? lineIdOf(lines, keptVariant(node, lines.length, state)) : undefined;
  return {
    set: { emails: { ...state.emails, [node.id]: queued.sendId } },
    counters: ['sent', `node:${node.id}:sent`, ...(line !== undefined ? [`variant:${node.id}:${line}`] : [])],
  };
}

/** How long a capped send waits when another step of the same contact holds the cap lock. */
export const CAP_BUSY_RETRY_MS = 60_000;

async function sendEmail(
  node: Extract<JourneyNode, { kind: 'email' }>,
  ctx: NodeContext,
  window: ZonedSendWindow | undefined,
): Promise<NodeResult> {
  const { state, rules, contact } = ctx;
  const variant = node.subjectVariants ? subjectVariant(node, node.subjectVariants.length, state, rules) : undefined;
  const line = lineIdOf(node.subjectVariants, variant);
  const sent = await ctx.deps.mailer
    .send({
      workspaceId: state.workspaceId,
      campaignId: state.campaignId,
      version: state.version,
      nodeId: node.id,
      contact,
      templateId: node.templateId,
      ...(node.version ? { templateVersion: node.version } : {}),
      ...(node.subjectVariants && variant !== undefined ? { subject: node.subjectVariants[variant] } : {}),
      ...abAttribution(state, ctx.journey, variant, node.subjectVariants),
      idempotencyKey: effectKey(state, node.id),
      ...(window ? { window } : {}),
    })
    .catch((error: unknown) => {
      // An address the sender could never take (the contact's was accepted under other rules):
      // retrying would not change it, so the enrolment fails now, with the reason.
      if (error instanceof UnqueueableSendError) return error;
      throw error;
    });
  if (sent instanceof UnqueueableSendError) return { kind: 'end', reason: 'failed', failure: sent.message };
  const { sendId } = sent;
  return {
    kind: 'move',
    next: node.next,
    // The variant's line id is kept as the "arm" taken here, so a later conversion counts for that
    // line (armconv:), as its sends and opens do, whatever its position in another version.
    set: {
      emails: { ...state.emails, [node.id]: sendId },
      ...(line !== undefined ? { arms: { ...state.arms, [node.id]: line } } : {}),
    },
    counters: ['sent', `node:${node.id}:sent`, ...(line !== undefined ? [`variant:${node.id}:${line}`] : [])],
  };
}

/**
 * The subject variant an email node gives the contact: the one recorded as its "arm" there (by
 * the checkpoint before this node acts, see {@link unrecordedChoice}, or on an earlier pass of this
 * run: a node inside a loop), else the promoted one, else its own by hash. Like a split's arm, a
 * promotion made after the choice changes nothing for a contact already given a variant there.
 */
function subjectVariant(
  node: Extract<JourneyNode, { kind: 'email' }>,
  count: number,
  state: EnrolmentState,
  rules: CampaignRules,
): number {
  return keptVariant(node, count, state) ?? chooseVariant(node, count, state, rules);
}

/** The line id of variant `index` (what its counters and the enrolment's arm are keyed by). */
const lineIdOf = (lines: readonly string[] | undefined, index: number | undefined): string | undefined => {
  const subject = index === undefined ? undefined : lines?.[index];
  return subject === undefined ? undefined : subjectLineId(subject);
};

/**
 * The variant recorded at the node: by its line id, or (an enrolment recorded before lines had
 * ids) by its index.
 */
function keptVariant(
  node: Extract<JourneyNode, { kind: 'email' }>,
  count: number,
  state: EnrolmentState,
): number | undefined {
  const taken = state.arms[node.id];
  if (taken === undefined) return undefined;
  const byLine = (node.subjectVariants ?? []).findIndex((subject) => subjectLineId(subject) === taken);
  if (byLine >= 0) return byLine;
  const kept = /^\d+$/.test(taken) ? Number(taken) : Number.NaN;
  return Number.isInteger(kept) && kept >= 0 && kept < count ? kept : undefined;
}

function chooseVariant(
  node: Extract<JourneyNode, { kind: 'email' }>,
  count: number,
  state: EnrolmentState,
  rules: CampaignRules,
): number {
  return promotedVariant(node, rules.promotions) ?? variantFor(count, state.campaignId, node.id, state.contactId);
}

/**
 * The choice a node's own effect rests on that reads mutable campaign state and is not recorded
 * yet, as the enrolment fields recording it; undefined when there is none. Today: an email node's
 * subject variant, which reads the promotion in force. The step runner writes it in its checkpoint
 * before the node acts (run-step.ts), so a step delivered again after the mail was queued (a crash,
 * a failure further on, a retried enrolment) reads the variant back instead of choosing again: a
 * promotion landing in between cannot record (and count) a subject line the contact never got,
 * while the ledger kept the first mail of the key. Recorded, the line is not yet credited with a
 * conversion: only once this node's mail went (enrolment.ts `creditedArms`), so a node that holds
 * (send window, frequency cap) credits no line to a contact converting meanwhile. (A split's arm is
 * chosen by a node that does not act itself: its move is a decision written before the node it
 * leads to acts.)
 */
export function unrecordedChoice(
  node: JourneyNode,
  state: EnrolmentState,
  rules: CampaignRules,
): Pick<EnrolmentState, 'arms'> | undefined {
  if (node.kind !== 'email' || !node.subjectVariants) return undefined;
  const count = node.subjectVariants.length;
  if (keptVariant(node, count, state) !== undefined) return undefined;
  const line = lineIdOf(node.subjectVariants, chooseVariant(node, count, state, rules)) as string;
  return { arms: { ...state.arms, [node.id]: line } };
}

/**
 * What an email's opens and clicks count for: its own subject variant (per send, by its line id,
 * the key its sends are counted by) and the arm of every split the enrolment took (per contact and
 * run). The arms of earlier email nodes' variants are left out: a subject line is judged by its own
 * email's opens only.
 */
function abAttribution(
  state: EnrolmentState,
  journey: Journey,
  variant: number | undefined,
  lines: readonly string[] | undefined,
): { ab?: AbAttribution } {
  const splits = new Set(journey.nodes.filter((n) => n.kind === 'split').map((n) => n.id));
  const arms = Object.fromEntries(Object.entries(state.arms).filter(([id]) => splits.has(id)));
  const hasArms = Object.keys(arms).length > 0;
  const line = lineIdOf(lines, variant);
  if (variant === undefined && !hasArms) return {};
  return {
    ab: {
      run: state.run,
      ...(variant !== undefined ? { variant } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(hasArms ? { arms } : {}),
    },
  };
}

async function waitNode(node: Extract<JourneyNode, { kind: 'wait' }>, ctx: NodeContext): Promise<NodeResult> {
  const { state, now } = ctx;
  const arrived = state.nodeSince === undefined;
  const since = arrived ? now.getTime() : Date.parse(state.nodeSince as string);
  const nodeSince = new Date(since).toISOString();
  switch (node.for.type) {
    case 'duration': {
      const due = since + durationMs(node.for.duration);
      // An early timer (a long wait is chained through shorter timers) just holds again.
      return now.getTime() >= due
        ? { kind: 'move', next: node.next }
        : { kind: 'hold', dueAt: new Date(due), nodeSince };
    }
    case 'time-of-day': {
      const target =
        arrived || !state.dueAt
          ? nextTimeOfDay(now, node.for, ctx.contact.timeZone ?? ctx.rules.timeZone)
          : new Date(state.dueAt);
      return now.getTime() >= target.getTime()
        ? { kind: 'move', next: node.next }
        : { kind: 'hold', dueAt: target, nodeSince };
    }
    case 'event': {
      // Judged at the deadline (windows.ts): an event after it does not count, however late the
      // step runs (a paused campaign, a late timer).
      const timeoutMs = durationMs(node.for.timeout);
      const deadline = since + timeoutMs;
      if (occurredWithin(ctx.subject.interactions, node.for.interaction, since, deadline)) {
        return { kind: 'move', next: node.next };
      }
      if (now.getTime() >= deadline) {
        return node.timeoutNext ? { kind: 'move', next: node.timeoutNext } : { kind: 'end', reason: 'event-timeout' };
      }
      const due = Math.min(deadline, now.getTime() + pollIntervalMs(timeoutMs));
      return { kind: 'hold', dueAt: new Date(due), nodeSince };
    }
  }
}

/**
 * A goal: met within its window -> `met`; window over -> `timedOut`; else look again later. Judged
 * as at the deadline (windows.ts), so a step running after it counts nothing the contact did after.
 */
function awaitCondition(
  condition: Condition,
  ctx: NodeContext,
  since: number,
  windowMs: number,
  outcomes: { met: NodeResult; timedOut: NodeResult },
): NodeResult {
  const deadline = since + windowMs;
  // Its last poll is set for the deadline and fires a little late: TIMER_LATENESS_MS.
  const verdict = judgeWindow(
    condition,
    { ...ctx.subject, now: ctx.now },
    deadline,
    ctx.state.emails,
    TIMER_LATENESS_MS,
  );
  if (verdict === 'met') return outcomes.met;
  if (verdict === 'timed-out') return outcomes.timedOut;
  return {
    kind: 'hold',
    dueAt: new Date(Math.min(deadline, ctx.now.getTime() + pollIntervalMs(windowMs))),
    nodeSince: new Date(since).toISOString(),
  };
}
