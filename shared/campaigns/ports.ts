/** The ports the campaign use cases need; adapters live in shared/adapters. */
import type { ContactFilter } from '../crm/contacts/ports';
import type { InteractionType } from '../crm/model';
import type { SuppressionLookup } from '../email/ports';
import type { EmailCategory } from '../email/suppression-rules';
import type { AbAttribution } from '../email/tracking-token';
import type { EnrolmentState, PublishedVersion } from './enrolment';
import type { JourneyAction } from './journey';
import type { DripStepMessage, StepMessage } from './messages';
import type { ZonedSendWindow } from './send-window';

/**
 * The most audit entries one change of a campaign carries (campaign.ts `CampaignStore.replace`'s `audit`):
 * a store writes them with the record in one write (DynamoDB: one transaction, at most 100 items,
 * of which the record and its trigger wiring take up to 4). A caller with more to audit (the
 * engine's automatic promotions, one entry a node: promotion.ts `autoPromoter`) writes them in
 * several changes.
 */
export const MAX_AUDIT_PER_CHANGE = 50;

export interface AudiencePageOfContacts {
  readonly contactIds: readonly string[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

export interface AudienceSource {
  /** Live (not deleted) contacts matching `filter`, one page. */
  page(workspaceId: string, filter: ContactFilter, pageSize: number, cursor?: string): Promise<AudiencePageOfContacts>;
}

/** A launch's progress, readable from the API while it runs. */
export interface LaunchProgress {
  readonly launchId: string;
  readonly campaignId: string;
  /** `failed`: a page kept failing after its retries; `error` says why, the counts stand where it stopped. */
  readonly status: 'running' | 'done' | 'failed';
  /** Contacts queued for enrolment so far. */
  readonly queued: number;
  /**
   * Contacts left out because they may not get marketing mail (unsubscribed, bounced, complained,
   * suppressed by hand); not those deleted while the launch ran, which are counted nowhere.
   */
  readonly suppressed: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** When its last page was recorded (absent until the first one). */
  readonly updatedAt?: string;
  readonly failedAt?: string;
  readonly error?: string;
  /** How often a failed launch was resumed (`POST .../launches/{launchId}/resume`). */
  readonly resumed?: number;
  /** A failed launch that can be resumed: at its first page not counted (where it stopped). */
  readonly resumable?: boolean;
}

/**
 * Where a launch starts again: its first page not counted yet (the page after the last one
 * counted, the first page before any), so a resume after any end starts there.
 */
export interface LaunchResumePoint {
  readonly cursor?: string;
  readonly enrolled: number;
  readonly pageSize: number;
  readonly filter?: ContactFilter;
}

/**
 * What a launch page's first try decided: the contacts it queues, how many it left out as
 * suppressed, and where the next page starts (absent: it was the last). A retry replays it.
 */
export interface LaunchPageDecision {
  readonly contactIds: readonly string[];
  readonly suppressed: number;
  readonly next?: string;
}

/** A page's recorded decision; `counted` once its counts were added (its messages were sent). */
export interface LaunchPageRecord extends LaunchPageDecision {
  readonly counted: boolean;
}

export interface LaunchRecords {
  /**
   * Creates the record unless it exists (a retried start). `from` (the first page, as it runs): the
   * point a resume starts at until a page is counted, set unless the record has one.
   */
  begin(workspaceId: string, campaignId: string, launchId: string, at: string, from?: LaunchResumePoint): Promise<void>;
  /** The decision recorded for a page (`pageKey`), if any: a retried page replays it. */
  page(workspaceId: string, launchId: string, pageKey: string): Promise<LaunchPageRecord | undefined>;
  /**
   * Records a page's decision unless one is recorded already; answers the one that stands (a
   * retry racing its first try gets the first's).
   */
  recordPage(
    workspaceId: string,
    launchId: string,
    pageKey: string,
    decision: LaunchPageDecision,
    at: string,
  ): Promise<LaunchPageRecord>;
  /**
   * Adds one page's counts, once per page (`pageKey`); `done` closes a running launch, also when
   * the page was counted before (a retried last page). `chunk`: the execution of the run's chain
   * the page ran in (absent or 0: the first), kept with the counts so a silent launch's execution is
   * looked up where its last page was (`LaunchState.chunk`). `next` (a page that is not the last):
   * the page after it, written with the counts as the launch's resume point, so a run that ends
   * any way (stopped, timed out, its failure record lost) resumes at the first page not counted.
   */
  addPage(
    workspaceId: string,
    launchId: string,
    pageKey: string,
    counts: { queued: number; suppressed: number },
    done: boolean,
    at: string,
    chunk?: number,
    next?: LaunchResumePoint,
  ): Promise<void>;
  /**
   * Marks a launch that is not done as failed, with what stopped it (creating its record if need
   * be) and, when its page could be read, where to resume (`from`: only when the record has no
   * resume point, as the one its pages keep is never before the failing page); only while
   * `attempt` is the launch's current run (0: never resumed), so a late report of an earlier run
   * changes nothing.
   */
  fail(
    workspaceId: string,
    campaignId: string,
    launchId: string,
    error: string,
    at: string,
    from?: LaunchResumePoint,
    attempt?: number,
  ): Promise<void>;
  /**
   * Moves a failed, resumable launch back to running (its `resumed` count + 1, its `chunk` back to
   * the first) and answers where to start; `undefined` when it is not failed or has no resume point
   * (the write changes nothing).
   */
  resume(workspaceId: string, launchId: string): Promise<{ attempt: number; from: LaunchResumePoint } | undefined>;
  /**
   * Marks a running launch failed, only while it is still at `attempt` (0: never resumed): a
   * resume that could not start, or an execution that ended without recording why. Its resume
   * point stays what its pages recorded: resumable once its first page began.
   */
  failAttempt(workspaceId: string, launchId: string, attempt: number, error: string, at: string): Promise<void>;
  /**
   * Marks a running launch done, only while it is still at `attempt`: one whose execution
   * succeeded (every page enrolled) without its record saying so.
   */
  finish(workspaceId: string, launchId: string, attempt: number, at: string): Promise<void>;
  get(workspaceId: string, launchId: string): Promise<LaunchState | undefined>;
}

/** A launch's record: its progress, and where in its run's chain of executions its last page ran. */
export interface LaunchState extends LaunchProgress {
  /** The execution of the current run's chain its last counted page ran in (absent: the first). Not shown. */
  readonly chunk?: number;
}

export interface StepQueue {
  /**
   * Sends every message or throws; a partial failure throws too (the page is retried). With
   * `delaySeconds` (0-900, SQS's delay) the messages arrive that much later.
   */
  sendAll(messages: readonly DripStepMessage[], options?: { readonly delaySeconds?: number }): Promise<void>;
}

export interface DueCampaign {
  readonly workspaceId: string;
  readonly campaignId: string;
  /** The schedule slot, ISO-8601; names the launch so a retried trigger can't launch twice. */
  readonly dueAt: string;
}

export interface CampaignSchedule {
  /** The `limit` slots due at `now` that come first in the due index (oldest index time first). */
  due(now: Date, limit: number): Promise<DueCampaign[]>;
  /** Clears the slot unless it changed meanwhile. */
  markLaunched(campaign: DueCampaign): Promise<void>;
  /**
   * A slot whose launch failed: its place in the due index moves back to `at` (it stays due, its
   * slot and so its launch id unchanged), unless the slot changed meanwhile. So slots that keep
   * failing never take every run's `limit` and hide the newer due slots behind them.
   */
  moveBack?(campaign: DueCampaign, at: Date): Promise<void>;
}

/** How a launch's execution stands, as the state machine service tells it. */
export interface LaunchExecutionOutcome {
  /** `missing`: no such execution (never started, or older than the service keeps). */
  readonly status: 'running' | 'succeeded' | 'failed' | 'timed-out' | 'aborted' | 'missing';
  /** The execution's error name, when it failed. */
  readonly error?: string;
}

export interface LaunchExecutions {
  /**
   * How a launch's `attempt` (0: the first run, n: its n-th resume) stands: its execution at link
   * `chunk` of the run's chain (absent: the first), and, while the one read succeeded by continuing
   * as new, the next one in the chain: the outcome of the last.
   */
  outcome(launchId: string, attempt: number, chunk?: number): Promise<LaunchExecutionOutcome>;
}

export interface LaunchStarter {
  /**
   * Starts a launch execution; starting the same launchId (and `attempt`) twice is a no-op. A
   * resume (`attempt` >= 1) starts at `from`'s page.
   */
  start(input: {
    workspaceId: string;
    campaignId: string;
    launchId: string;
    filter?: ContactFilter;
    attempt?: number;
    from?: LaunchResumePoint;
  }): Promise<void>;
}

/** Where a campaign stands and the version an enrolment runs on. */
export interface CampaignVersions {
  /** The campaign's status and its version `version` (or the latest published one), if any. */
  load(
    workspaceId: string,
    campaignId: string,
    version?: number,
  ): Promise<{ status: 'draft' | 'active' | 'paused' | 'archived'; published?: PublishedVersion } | undefined>;
}

/** Counter deltas of one move, by name (`entered`, `node:<id>:sent`, `exited:replied`, ...). */
export type CounterDeltas = Record<string, number>;

/** Enrolment records, written only with a condition on the step they were read at. */
export interface EnrolmentStates {
  get(workspaceId: string, campaignId: string, contactId: string): Promise<EnrolmentState | undefined>;
  /**
   * Writes `next` when the stored record is still at `expectedStep` (`undefined`: when there is
   * none), together with the campaign's counters, atomically. False when it moved meanwhile,
   * or, with `whileCampaignHeld`, when the campaign is no longer paused (or a draft).
   */
  save(
    next: EnrolmentState,
    expectedStep: number | undefined,
    counters: CounterDeltas,
    condition?: { readonly whileCampaignHeld: true },
  ): Promise<boolean>;
  /**
   * Records that each of `launchIds` started a run of the contact's enrolment, for good: written
   * before the save that drops them from the enrolment's recent `launches` (enrolment.ts), so every
   * launch id that ever started a run is in that list or recorded here. Idempotent.
   */
  claimLaunches(
    workspaceId: string,
    campaignId: string,
    contactId: string,
    launchIds: readonly string[],
  ): Promise<void>;
  /** Whether {@link claimLaunches} recorded `launchId` for the contact (a strongly consistent read). */
  launchClaimed(workspaceId: string, campaignId: string, contactId: string, launchId: string): Promise<boolean>;
}

/** What the step runner knows of a contact. */
export interface ContactSnapshot {
  readonly contactId: string;
  readonly email: string;
  readonly deleted: boolean;
  /** IANA zone of the contact, when known (send windows and times of day use it). */
  readonly timeZone?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * The contact's custom fields alone (`fields` mixes them with the built-in ones, which win): a
   * campaign email merges them as `contact.customFields.*`, as every send does (template-send.ts
   * `mergeFieldsOf`). Absent: none known.
   */
  readonly customFields?: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly score: number;
  readonly tier: string;
  /**
   * When the contact's latest interaction happened: `null` when it has none, absent when not known.
   * Every interaction is stored in the same transaction that moves this time forward to it
   * (shared/crm/scoring/score-interaction.ts), so none is newer: a step skips reading a timeline
   * that cannot hold anything since the time it asks for.
   */
  readonly lastInteractionAt?: string | null;
}

export interface TimelineEntry {
  readonly type: InteractionType;
  readonly occurredAt: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface CampaignContacts {
  snapshot(workspaceId: string, contactId: string): Promise<ContactSnapshot | undefined>;
  /** The contact's interactions at or after `since`, newest first, at most a bounded number. */
  timelineSince(workspaceId: string, contactId: string, since: Date): Promise<readonly TimelineEntry[]>;
}

/** Queues a campaign email through the email pipeline (which sends a key once). */
export interface CampaignMailer {
  send(input: {
    readonly workspaceId: string;
    readonly campaignId: string;
    readonly version: number;
    readonly nodeId: string;
    readonly contact: ContactSnapshot;
    readonly templateId: string;
    readonly templateVersion?: number;
    readonly subject?: string;
    /** Which A/B arms the send counts for (sealed into its tracking links): opens and clicks per arm. */
    readonly ab?: AbAttribution;
    /** Unique per (enrolment run, node, step): a replay queues the same send. */
    readonly idempotencyKey: string;
    /** The campaign's send window in the contact's zone: the sender holds the mail outside it. */
    readonly window?: ZonedSendWindow;
  }): Promise<{ sendId: string }>;
  /**
   * When the contact's marketing mail (any campaign) goes or went, from `sinceMs` on, future instants
   * included (a mail the sender holds counts at its window's opening): frequency caps. The send of
   * `exceptKey` (the node's own, from an earlier try) and mail closed unsent are left out.
   */
  recentMarketingSends(
    workspaceId: string,
    contactId: string,
    sinceMs: number,
    exceptKey?: string,
  ): Promise<readonly number[]>;
  /**
   * The contact's frequency-cap lock, taken for a check and the send it allows: a function that
   * releases it, or undefined when another step holds it (a lease: a crashed holder's lapses).
   */
  capLock(workspaceId: string, contactId: string): Promise<(() => Promise<void>) | undefined>;
  /**
   * The send queued under `idempotencyKey` for the contact, if any: how a step that exits before
   * running an email node again learns that an earlier try of it queued the node's mail and failed
   * before its save (execute-node.ts `mailQueuedBefore`). One consistent read of the log `send`
   * writes before it queues marketing mail: a transactional mail (not logged) is not found. Absent
   * (a test double): no mail is found.
   */
  queued?(workspaceId: string, contactId: string, idempotencyKey: string): Promise<{ sendId: string } | undefined>;
  /**
   * The category (`marketing` or `transactional`) and topic of the template version a node sends:
   * only marketing mail is capped (and logged for the cap), so a capped campaign asks before the
   * cap; a contact's topic opt-out blocks marketing mail of that topic only, so a step that read one
   * asks before it queues the mail.
   */
  templateOf(
    workspaceId: string,
    templateId: string,
    templateVersion?: number,
  ): Promise<{ readonly category: EmailCategory; readonly topic?: string | undefined }>;
}

/** A failure that retrying will not fix (a webhook refusing for good): the enrolment fails with it. */
export class ActionFailedError extends Error {
  override name = 'ActionFailedError';
}

/**
 * The contact was deleted while the step ran (after the step read it), as a node's own read or
 * write found: the enrolment exits `contact-deleted`, as one whose contact was deleted before the
 * step does (run-step.ts). No failure: nothing to retry, no failed-enrolments alarm.
 */
export class ContactDeletedError extends Error {
  override name = 'ContactDeletedError';
  constructor(options?: ErrorOptions) {
    super('The contact was deleted while the step ran', options);
  }
}

/** Which enrolment, at which node, an action runs for. */
export interface ActionTarget {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly contactId: string;
  /** Unique per (enrolment run, node, step): a replay performs nothing twice. */
  readonly idempotencyKey: string;
  readonly nodeId: string;
  /** The published version, the enrolment's run and its step. */
  readonly version: number;
  readonly run: number;
  readonly step: number;
  /** How often a person retried the failed enrolment (`retryEnrolment`): each retry is a new round of attempts. */
  readonly retry?: number;
}

/**
 * Performs `action` nodes. An {@link ActionFailedError} ends the enrolment as failed, a
 * {@link ContactDeletedError} as `contact-deleted`; any other error is retried (the step's queue
 * message comes back).
 */
export interface ActionPerformer {
  perform(action: JourneyAction, target: ActionTarget): Promise<void>;
}

/** Sets the timer that brings a step message back at `dueAt` (SQS delay or a one-time schedule). */
export interface StepTimers {
  set(message: StepMessage, dueAt: Date): Promise<void>;
}

export interface StepDeps {
  readonly versions: CampaignVersions;
  readonly enrolments: EnrolmentStates;
  readonly contacts: CampaignContacts;
  readonly suppressions: SuppressionLookup;
  readonly mailer: CampaignMailer;
  readonly actions: ActionPerformer;
  readonly timers: StepTimers;
  readonly now: () => Date;
  /** Told when an enrolment ends as failed (the `CampaignEnrolmentsFailed` metric). */
  readonly metrics?: { enrolmentFailed(): void };
}
