/**
 * Waking held enrolments when something happens to their contact. A contact's domain event (on
 * the drip-steps queue, as for campaign triggers) re-runs at once each of the contact's waiting
 * enrolments the event could move, instead of leaving it to the node's poll timer:
 * - a wait for an event, when the event is an interaction of the type it waits for;
 * - a goal node, on any event of the contact (its condition may hold now);
 * - any node, when the campaign has a goal still in its window, or the event is an interaction
 *   the step runner exits on before any node (a reply; an unsubscribe, bounce or complaint,
 *   recorded after their suppression).
 *
 * A wake is a plain step message at the enrolment's current step. The step runner re-evaluates
 * the node; whichever of the wake and the node's own timer comes first moves the enrolment, the
 * other finds a later step and does nothing (run-step.ts). A node that is not due (a duration
 * wait, a send window, a goal not met) holds again until the same time, and effects are keyed
 * by step, so a wake moves nothing early and sends nothing twice; a redelivered or duplicated
 * event just wakes again. A paused campaign's enrolments are `held`, not `waiting`: its resume
 * brings them back.
 */
import type { EnrolmentState } from './enrolment';
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

/** A contact's enrolments that wait for a time (status `waiting`), across campaigns. */
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
  /** The contact's waiting enrolments. */
  readonly holding: number;
  /** Of them, those woken (a step message queued). */
  readonly woken: number;
}

/** What an event says happened to its contact. */
interface Happening {
  /** The interaction type, for `contact.interaction_recorded`. */
  readonly interaction?: string;
}

/** Queues a step for each waiting enrolment of the event's contact that the event could move. */
export async function wakeOnEvent(envelope: DomainEventEnvelope, deps: WakeOnEventDeps): Promise<WakeOutcome> {
  const who = eventContact(envelope);
  if (!who) return { holding: 0, woken: 0 };
  const { workspaceId, contactId } = who;
  const interactionType = envelope.detail.interactionType;
  const happened: Happening = typeof interactionType === 'string' ? { interaction: interactionType } : {};
  const holding = await deps.holding.of(workspaceId, contactId);
  const wake: StepMessage[] = [];
  for (const listed of holding) {
    const state = await deps.enrolments.get(workspaceId, listed.campaignId, contactId);
    if (state?.status !== 'waiting') continue;
    const campaign = await deps.versions.load(workspaceId, state.campaignId, state.version);
    if (campaign?.status !== 'active' || !campaign.published) continue;
    const { journey, rules } = campaign.published;
    const node = journey.nodes.find((n) => n.id === state.node);
    const goalOpen =
      rules.goal !== undefined &&
      deps.now().getTime() - Date.parse(state.enteredAt) <= rules.goal.withinDays * 86_400_000;
    if (!goalOpen && !mayMove(node, happened)) continue;
    const { campaignId, run, step } = state;
    wake.push({ kind: 'step', workspaceId, campaignId, contactId, run, step });
  }
  if (wake.length > 0) await deps.queue.sendAll(wake);
  return { holding: holding.length, woken: wake.length };
}

/** Whether what happened could move an enrolment holding on `node` (the campaign's own goal aside). */
export function mayMove(node: JourneyNode | undefined, happened: Happening): boolean {
  if (happened.interaction !== undefined && EXIT_INTERACTIONS.has(happened.interaction)) return true;
  if (node?.kind === 'goal') return true;
  return node?.kind === 'wait' && node.for.type === 'event' && node.for.interaction === happened.interaction;
}
