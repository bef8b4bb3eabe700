/**
 * Waking held enrolments when something happens to their contact. A contact's domain event (on
 * the drip-steps queue, as for campaign triggers) re-runs at once each of the contact's waiting
 * enrolments the event could move, instead of leaving it to the node's poll timer:
 * - a wait for an event, when the event is an interaction of the type it waits for;
 * - a goal node, when the event is one that could make its condition hold ({@link mayAffect});
 * - any node, when the campaign has a goal still in its window that the event could meet, or the
 *   event is an interaction the step runner exits on before any node (a reply; an unsubscribe,
 *   bounce or complaint, recorded after their suppression).
 * So a delivery or an open does not re-run every enrolment of a campaign whose goal is a tag.
 *
 * A run that ended before its campaign goal's window closed and is still eligible for the goal
 * (`goalUntil`, enrolment.ts) is listed too, and woken (its message marked `wake`) when the event
 * could meet the goal while the window is open: its step only judges the goal and records the
 * conversion (run-step.ts `judgeEndedGoal`); no node runs, and a goal not met writes nothing and
 * sets no timer. An event that cannot meet the goal is told from the listed entry (its campaign
 * version) before the run is read by key: it reads neither the run nor the contact's timeline.
 * Exit interactions do not wake it: its deadline judgement checks them first.
 *
 * What an event says is read as far as it goes: a tag added wakes a tag condition only for the
 * tag it names (as a contact holds it: Unicode form and case aside), a tier crossing a tiers-only score condition
 * only when it enters or leaves one of its tiers (an interaction moves the score, but a tier
 * changed by it is published as a crossing of its own).
 *
 * A wake is a plain step message at the enrolment's current step. The step runner re-evaluates
 * the node; whichever of the wake and the node's own timer comes first moves the enrolment, the
 * other finds a later step and does nothing (run-step.ts). A node that is not due (a duration
 * wait, a send window, a goal not met) holds again until the same time, and effects are keyed
 * by step, so a wake moves nothing early and sends nothing twice; a redelivered or duplicated
 * event just wakes again. A paused campaign's enrolments are `held`, not `waiting`: its resume
 * brings them back.
 *
 * An interaction flagged as a bot's or a privacy proxy's (`detail.suspectedBot`, a non-empty list
 * of signals as on the interaction's metadata) answers no condition, goal or wait (the step runner
 * leaves it out: conditions.ts `answersConditions`), and awards no points, so it wakes nothing and
 * costs no read; only an exit interaction would still wake (none is ever flagged: only opens and
 * clicks are). An event without the flag is taken as a person's.
 */
import { TAG_ADDED_EVENT } from '../crm/contact-events';
import { sameTag } from '../crm/contacts/tag-field';
import { isSuspectedAutomation } from '../crm/scoring/automation';
import { THRESHOLD_EVENT } from '../crm/scoring/score-interaction';
import { type Condition, EMAIL_ACTIVITY_INTERACTIONS } from './conditions';
import { awaitsGoal, type EnrolmentState } from './enrolment';
import type { JourneyNode } from './journey';
import type { DomainEventEnvelope, StepMessage } from './messages';
import type { CampaignVersions, EnrolmentStates, StepQueue } from './ports';
import { eventContact } from './trigger-from-event';

/** Interactions after which the step runner ends an enrolment before any node (run-step.ts). */
export const EXIT_INTERACTIONS: ReadonlySet<string> = new Set([
  'email_replied',
  'unsubscribed',
  'email_bounced',
  'email_complained',
]);

/**
 * A contact's enrolments that wait for a time (status `waiting`), and its ended ones still
 * eligible for their campaign goal (`goalUntil`), across campaigns.
 */
export interface HoldingEnrolments {
  /** From an index that may lag a write: a missing or older entry is re-read or left to its timer. */
  of(workspaceId: string, contactId: string): Promise<readonly EnrolmentState[]>;
}

export interface WakeOnEventDeps {
  readonly holding: HoldingEnrolments;
  /** Each one read again by its key, so the wake names its current step. */
  readonly enrolments: Pick<EnrolmentStates, 'get'>;
  readonly versions: CampaignVersions;
  readonly queue: StepQueue;
  readonly now: () => Date;
}

export interface WakeOutcome {
  /** The contact's waiting enrolments (and ended ones still eligible for their campaign goal). */
  readonly holding: number;
  /** Of them, those woken (a step message queued). */
  readonly woken: number;
  /** Set when the event was a bot's (flagged): nothing was read or woken. */
  readonly suspectedBot?: true;
}

/** What an event says happened to its contact. */
export interface Happening {
  /** The event's detail-type (`contact.tag_added`, `contact.interaction_recorded`...). */
  readonly type: string;
  /** The interaction type, for `contact.interaction_recorded`. */
  readonly interaction?: string;
  /** The tag, for `contact.tag_added`. */
  readonly tag?: string;
  /** The tiers left and entered, for `contact.score_threshold_crossed`. */
  readonly fromTier?: string;
  readonly toTier?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** What `envelope` says happened, as far as waking reads it. */
export function happeningOf(envelope: DomainEventEnvelope): Happening {
  const d = envelope.detail;
  const [interaction, tag, fromTier, toTier] = [d.interactionType, d.tag, d.fromTier, d.toTier].map(text);
  return {
    type: envelope['detail-type'],
    ...(interaction ? { interaction } : {}),
    ...(tag ? { tag } : {}),
    ...(fromTier ? { fromTier } : {}),
    ...(toTier ? { toTier } : {}),
  };
}

/** Queues a step for each waiting enrolment of the event's contact that the event could move. */
export async function wakeOnEvent(envelope: DomainEventEnvelope, deps: WakeOnEventDeps): Promise<WakeOutcome> {
  const who = eventContact(envelope);
  if (!who) return { holding: 0, woken: 0 };
  const { workspaceId, contactId } = who;
  const interactionType = envelope.detail.interactionType;
  // A bot's open or click moves nothing: no enrolment is read or woken for it.
  if (isSuspectedAutomation({ metadata: envelope.detail }) && !EXIT_INTERACTIONS.has(String(interactionType))) {
    return { holding: 0, woken: 0, suspectedBot: true };
  }
  const happened = happeningOf(envelope);
  const holding = await deps.holding.of(workspaceId, contactId);
  // One read of each campaign version however many of its runs are looked at.
  const loaded = new Map<string, ReturnType<CampaignVersions['load']>>();
  const load = (s: EnrolmentState) => {
    const key = `${s.campaignId}\u0000${s.version}`;
    const found = loaded.get(key) ?? deps.versions.load(workspaceId, s.campaignId, s.version);
    loaded.set(key, found);
    return found;
  };
  /** The campaign's goal, when `s` is in its window and the event could meet it. */
  const goalInReach = async (s: EnrolmentState): Promise<boolean> => {
    const campaign = await load(s);
    if (campaign?.status !== 'active' || !campaign.published) return false;
    const goal = campaign.published.rules.goal;
    return (
      goal !== undefined &&
      deps.now().getTime() - Date.parse(s.enteredAt) <= goal.withinDays * 86_400_000 &&
      mayAffect(goal.if, happened)
    );
  };
  const wake: StepMessage[] = [];
  for (const listed of holding) {
    // An ended run is woken by its campaign goal alone: an event that cannot meet it reads nothing
    // more (the index may lag: a newer run of the same record is left to its own timer).
    if (awaitsGoal(listed) && !(await goalInReach(listed))) continue;
    const state = await deps.enrolments.get(workspaceId, listed.campaignId, contactId);
    const ended = state !== undefined && awaitsGoal(state);
    if (!state || (state.status !== 'waiting' && !ended)) continue;
    const campaign = await load(state);
    if (campaign?.status !== 'active' || !campaign.published) continue;
    const node = campaign.published.journey.nodes.find((n) => n.id === state.node);
    // An ended run moves on its campaign goal alone (its node will not run again).
    if (!(await goalInReach(state)) && (ended || !mayMove(node, happened))) continue;
    const { campaignId, run, step } = state;
    wake.push({
      kind: 'step',
      workspaceId,
      campaignId,
      contactId,
      run,
      step,
      ...(ended ? { wake: true as const } : {}),
    });
  }
  if (wake.length > 0) await deps.queue.sendAll(wake);
  return { holding: holding.length, woken: wake.length };
}

/** Whether what happened could move an enrolment holding on `node` (the campaign's own goal aside). */
export function mayMove(node: JourneyNode | undefined, happened: Happening): boolean {
  if (happened.interaction !== undefined && EXIT_INTERACTIONS.has(happened.interaction)) return true;
  if (node?.kind === 'goal') return mayAffect(node.if, happened);
  return node?.kind === 'wait' && node.for.type === 'event' && node.for.interaction === happened.interaction;
}

/**
 * Whether what happened could change whether `condition` holds. Only what publishes an event is
 * looked at: a tag added (by a contact's create or update, which may set fields with it), an
 * interaction (of a type a condition counts, as conditions.ts counts it: a click for an open too;
 * it may also move the score) and a tier crossing.
 * Changes that publish nothing (fields alone, tags removed, imports, `add-tag` actions, score
 * decay) are seen by the node's poll and at the enrolment's next step, as they always were.
 */
export function mayAffect(condition: Condition, happened: Happening): boolean {
  switch (condition.type) {
    case 'all':
    case 'any':
      return condition.of.some((c) => mayAffect(c, happened));
    case 'not':
      return mayAffect(condition.of, happened);
    case 'field':
      // A contact's create or update publishes its tags added, not its fields.
      return happened.type === TAG_ADDED_EVENT;
    case 'tag':
      // Compared as conditions.ts compares tags; an event that does not name its tag may be any.
      return happened.type === TAG_ADDED_EVENT && (happened.tag === undefined || sameTag(happened.tag, condition.tag));
    case 'score': {
      const byScore = condition.min !== undefined || condition.max !== undefined;
      if (byScore) return happened.type === THRESHOLD_EVENT || happened.interaction !== undefined;
      // Tiers only: a tier changed by an event is published as a crossing (one that does not name
      // its tiers may be any); the interaction's own event says nothing of the tier.
      if (happened.type !== THRESHOLD_EVENT || condition.tiers === undefined) return false;
      const tiers: readonly string[] = condition.tiers;
      return (
        happened.fromTier === undefined ||
        happened.toTier === undefined ||
        tiers.includes(happened.fromTier) ||
        tiers.includes(happened.toTier)
      );
    }
    case 'interaction':
      return happened.interaction === condition.interaction;
    case 'email-activity':
      // The interactions the condition is judged on (a click is an open too), from the same table.
      return EMAIL_ACTIVITY_INTERACTIONS[condition.activity].some((type) => type === happened.interaction);
  }
}
