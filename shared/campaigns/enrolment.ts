/**
 * One contact's way through one published version of a campaign. The `step` counter is the
 * enrolment's clock: every move (to a node, or a timer set on one) raises it, every message
 * and timer names the step it was made for, and a store update is conditional on it. So a stale
 * timer (after an exit, a re-schedule, or a redelivery that already moved on) changes nothing.
 */

import type { Condition } from './conditions';
import type { FrequencyCap } from './frequency-cap';
import type { Journey } from './journey';
import type { Promotions } from './promotion';
import type { SendWindow } from './send-window';
import { HOLDOUT_ARM } from './split';

export type EnrolmentStatus =
  /** Running now (a message for its step is on the queue or being handled). */
  | 'active'
  /** Held by a timer until `dueAt`. */
  | 'waiting'
  /** Its campaign is paused: resumed by the due-time sweep once the campaign runs again. */
  | 'held'
  | 'completed'
  | 'exited'
  | 'failed';

export type ExitReason =
  | 'completed'
  | 'converted'
  | 'goal-not-met'
  | 'event-timeout'
  | 'holdout'
  | 'replied'
  | 'unsubscribed'
  | 'bounced'
  | 'complained'
  /** Suppressed for another reason (by hand). */
  | 'suppressed'
  | 'contact-deleted'
  | 'manual'
  | 'archived'
  | 'failed';

/**
 * How many runs' launch ids an enrolment keeps in its record (`launches`). An id that leaves the
 * list is claimed first, an item of its own (`EnrolmentStates.claimLaunches`), and read only for
 * a launch id not in the list of a contact past this many runs: no write, no read before then.
 */
export const RECENT_LAUNCHES = 10;

/**
 * The ends that stop a run from outside, effects already under way included: a person's exit
 * (`manual`) and the campaign's archive. A mail of such a run is not sent after them (send-fence.ts).
 */
export const HALTING_EXITS: ReadonlySet<ExitReason> = new Set<ExitReason>(['manual', 'archived']);

/** Whether `run` of this record's contact was stopped from outside ({@link HALTING_EXITS}). */
export function runHalted(record: Pick<EnrolmentState, 'run' | 'exitReason' | 'halted'>, run: number): boolean {
  if (record.halted?.includes(run)) return true;
  return record.run === run && record.exitReason !== undefined && HALTING_EXITS.has(record.exitReason);
}

/** The runs to carry as `halted` into the run after `previous` (its own when it was halted). */
export function haltedAfter(previous: EnrolmentState | undefined): readonly number[] | undefined {
  if (!previous) return undefined;
  const own = runHalted(previous, previous.run) && !previous.halted?.includes(previous.run) ? [previous.run] : [];
  const all = [...(previous.halted ?? []), ...own].slice(-RECENT_LAUNCHES);
  return all.length > 0 ? all : undefined;
}

export interface EnrolmentState {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly contactId: string;
  /** 1 for the first entry; a re-entry starts the next run. */
  readonly run: number;
  /** The published version it runs on (editing the campaign never changes a running enrolment). */
  readonly version: number;
  readonly node: string;
  readonly step: number;
  readonly status: EnrolmentStatus;
  readonly enteredAt: string;
  /** When the current node began holding the contact (waits for an event, goals). */
  readonly nodeSince?: string;
  /**
   * The step at which it arrived at the current node, kept while the node holds it (a wait, a
   * send window, a frequency cap, a pause, a checkpoint written at the node a step started
   * from): the node's effects are keyed by it (`effectKey`), so
   * a node run again after a hold (a retried step that was deferred) repeats no effect under a
   * new key. Absent: it arrived at `step`.
   */
  readonly nodeStep?: number;
  /** The launch (or trigger event, hook call, schedule slot) that started this run: a duplicate of its enrol message is not a re-entry. */
  readonly launchId?: string;
  /**
   * The launches of the last runs (this one's last, at most {@link RECENT_LAUNCHES}): a late copy of
   * an earlier run's enrol message is no re-entry either; those of older runs were claimed as they
   * left the list (`EnrolmentStates.claimLaunches`), so the same holds however many runs followed.
   */
  readonly launches?: readonly string[];
  /**
   * The runs of this contact in the campaign that were stopped from outside (a person's exit, an
   * archive: {@link HALTING_EXITS}; a person's exit of an ended run awaiting its goal too), the
   * last {@link RECENT_LAUNCHES}, carried over to every later run: a mail of such a run still in
   * the email pipeline is closed unsent at its send (send-fence.ts), whatever run the record holds.
   */
  readonly halted?: readonly number[];
  /** When its timer is due (waiting, held): also the sparse due-time index the sweep reads. */
  readonly dueAt?: string;
  /** The send id of each email node it passed (for opened/clicked conditions and stats). */
  readonly emails: Readonly<Record<string, string>>;
  /**
   * The arm it took at each split, and the subject line (its line id; an older record: its index)
   * at each email node with variants: recorded on arrival, in the checkpoint written before that
   * node's mail is queued (run-step.ts), so every later run of the step mails, records and counts
   * that same line. A line counts a conversion only once its mail went ({@link creditedArms}).
   */
  readonly arms: Readonly<Record<string, string>>;
  readonly converted?: boolean;
  /**
   * Set on a run that ended (completed, or an exit in {@link GOAL_ELIGIBLE_EXITS}, a split's
   * holdout included) before its campaign goal's window closed, without having converted: the
   * window's deadline. Until then the run stays eligible for the campaign goal (run-step.ts
   * `judgeEndedGoal`): the contact's events wake it (wake-on-event.ts) and a timer (and the due-time
   * index, keyed by this time) brings it back at the deadline. A judgement only records the conversion (or drops the eligibility): no
   * node runs again, and one that does not meet the goal while the window is open writes nothing.
   * Removed when the goal is met, when the window closes, on an exit check (a suppression, a
   * reply) that would have ended a waiting run, or by a person's exit (run-step.ts `exitEnrolment`).
   */
  readonly goalUntil?: string;
  readonly endedAt?: string;
  readonly exitReason?: ExitReason;
  /** Why it failed, in words (after its retries). */
  readonly failure?: string;
  /**
   * `journey`: it failed on its version's graph (a node missing, a loop without a wait), which
   * runs the same way again: no retry. Absent: a failure a retry may get past.
   */
  readonly failedFor?: 'journey';
  /**
   * The moves this run has made (0 at the trigger): a node's effects are keyed by the count at
   * which the enrolment arrived there (`effectStep`). Only a move counts, never a hold, a
   * checkpoint, a handover, a failure or a retry, so a step run again from an earlier node (a
   * redelivery, a retry) that is held on the way meets every later node under the same key.
   * Absent on runs started before it existed: their keys come from the step counter.
   */
  readonly moves?: number;
  /** How many times a person gave it another go after it failed (`retryEnrolment`). */
  readonly retries?: number;
  /**
   * How far a retry moved the step numbers on (two per retry): effect keys subtract it
   * (`effectStep`), so a retried step and the moves after it repeat the keys of the failed one.
   */
  readonly keyShift?: number;
  /**
   * The id of the queue message whose run wrote this state. A redelivery of that very message
   * means its process died after the write and perhaps before the timer was set: it sets the
   * timer again (run-step.ts). A different message at the same step (a duplicate) does not.
   */
  readonly writtenBy?: string;
}

export const isFinished = (s: Pick<EnrolmentState, 'status'>): boolean =>
  s.status === 'completed' || s.status === 'exited' || s.status === 'failed';

/**
 * The ends after which a run stays eligible for its campaign goal until the goal's window closes:
 * the journey ran out (its path ended, a goal node or an event wait timed out with nowhere to go),
 * or a split held the contact out (`holdout`: the control group, whose conversions are what the
 * arms' are measured against; counted for the holdout, not as the campaign's, see
 * {@link goalConversionCounters}). Every other end says the contact left the campaign (a
 * suppression, a reply a person now answers, a deletion, a person's exit, an archived campaign, a
 * failure): a run still waiting would have ended there without converting, so an ended one does too.
 */
export const GOAL_ELIGIBLE_EXITS: ReadonlySet<ExitReason> = new Set<ExitReason>([
  'completed',
  'goal-not-met',
  'event-timeout',
  'holdout',
]);

/**
 * The one rule of which arms a conversion counts for (`armconv:<node>:<arm>`), read by every path
 * that counts one (run-step.ts: a goal node met, the campaign goal met before a node, a run that
 * ended judged for its goal), as `[node, arm]` pairs of `state.arms`: the arm of every split the run
 * entered (a split records its arm only as the contact moves into it), and the subject line of
 * every email node whose mail the run got (the node is in `state.emails`). A line recorded before
 * its node acted (the checkpoint of execute-node.ts `unrecordedChoice`) while the node then held
 * (send window, frequency cap, cap lock busy) is not the contact's until the mail goes: a
 * conversion meanwhile counts for no line, as that line's `variant:` send counter has not moved.
 * A mail queued by a try of the step that failed before its save is in `state.emails` once a later
 * try records it: by running the node again (the same key), or, exiting before it, from the
 * mailer's log (execute-node.ts `mailQueuedBefore`).
 */
export function creditedArms(
  state: Pick<EnrolmentState, 'arms' | 'emails'>,
  journey: Pick<Journey, 'nodes'>,
): [string, string][] {
  const splits = new Set(journey.nodes.filter((n) => n.kind === 'split').map((n) => n.id));
  return Object.entries(state.arms).filter(([node]) => splits.has(node) || state.emails[node] !== undefined);
}

/**
 * What a campaign-goal conversion of an ended run (`goalUntil`) counts: `converted` and the
 * `armconv:` of the arms it is credited with ({@link creditedArms}). A run a split held out (exit
 * `holdout`, its `node` the split) counts `armconv:<split>:holdout` instead of `converted`: the
 * headline counts the conversions of contacts who were given the journey, the holdout's own counter
 * those of its control group; the arms it took at earlier splits still count it (it entered them).
 */
export function goalConversionCounters(
  state: Pick<EnrolmentState, 'arms' | 'emails' | 'exitReason' | 'node'>,
  journey: Pick<Journey, 'nodes'>,
): string[] {
  const arms = creditedArms(state, journey).map(([node, arm]) => `armconv:${node}:${arm}`);
  return state.exitReason === 'holdout' ? [...arms, `armconv:${state.node}:${HOLDOUT_ARM}`] : ['converted', ...arms];
}

/** Whether a finished run is still eligible for its campaign goal (see `goalUntil`). */
export const awaitsGoal = (s: Pick<EnrolmentState, 'status' | 'goalUntil'>): boolean =>
  isFinished(s) && s.goalUntil !== undefined;

export type ReentryRule =
  | { readonly mode: 'never' }
  | { readonly mode: 'always' }
  | { readonly mode: 'after'; readonly days: number };

/** What applies to every enrolment of a version, besides the graph. */
export interface CampaignRules {
  /** The zone for contacts without one of their own. */
  readonly timeZone: string;
  readonly sendWindow?: SendWindow;
  /** Marketing emails per contact across every campaign of the workspace. */
  readonly frequencyCap?: FrequencyCap;
  readonly reentry: ReentryRule;
  /**
   * A campaign-wide conversion goal: met at any step -> exit as converted; met within the window
   * after the run ended (completed, or a timeout exit) -> counted as converted too (`goalUntil`);
   * met within the window by a contact a split held out -> counted for that holdout only.
   */
  readonly goal?: { readonly if: Condition; readonly withinDays: number };
  /**
   * Promoted A/B winners by node (promotion.ts). Not frozen with a version: the campaign's
   * current promotions, added when the version is loaded for a step.
   */
  readonly promotions?: Promotions;
}

/** A frozen, published version of a campaign. */
export interface PublishedVersion {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly version: number;
  readonly journey: Journey;
  readonly rules: CampaignRules;
}

/** Whether a contact whose last run ended at `endedAt` may enter again at `now`. */
export function mayReenter(rule: ReentryRule, endedAt: string | undefined, now: Date): boolean {
  if (rule.mode === 'always') return true;
  if (rule.mode === 'never' || !endedAt) return false;
  return now.getTime() - Date.parse(endedAt) >= rule.days * 86_400_000;
}
