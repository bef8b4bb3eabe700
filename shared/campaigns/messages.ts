/** Messages on the drip-steps queue and the state machine's task payloads, as zod schemas. */
import * as z from 'zod/mini';
import { contactFilterSchema } from '../crm/contacts/contact-filter';

const id = z.string().check(z.minLength(1), z.maxLength(128));

/** Enrol one contact into a campaign launch; the worker runs the campaign from its first node. */
export const enrolMessage = z.object({
  kind: z.literal('enrol'),
  workspaceId: id,
  campaignId: id,
  contactId: id,
  launchId: id,
});
export type EnrolMessage = z.infer<typeof enrolMessage>;

/** Run an enrolment's current node, if it is still at `step` (a stale message does nothing). */
export const stepMessage = z.object({
  kind: z.literal('step'),
  workspaceId: id,
  campaignId: id,
  contactId: id,
  run: z.number().check(z.int(), z.gte(1)),
  step: z.number().check(z.int(), z.gte(0)),
  /**
   * Set on the wake of an ended run still eligible for its campaign goal (wake-on-event.ts): a
   * judgement that does not meet the goal then leaves everything as it stands, its deadline timer
   * included. Absent (a timer, the sweep), such a judgement before the deadline is an early link of
   * a chained timer and sets the next one (run-step.ts `judgeEndedGoal`).
   */
  wake: z.optional(z.literal(true)),
});
export type StepMessage = z.infer<typeof stepMessage>;

/**
 * Resume the enrolments a paused campaign held, one page per message (the next page follows).
 * `recheck`: the one delayed pass after the last page (resume-and-sweep.ts), for holds the index
 * showed only after the first pass read it.
 */
export const resumePageMessage = z.object({
  kind: z.literal('resume-page'),
  workspaceId: id,
  campaignId: id,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  recheck: z.optional(z.boolean()),
});
export type ResumePageMessage = z.infer<typeof resumePageMessage>;

/**
 * A domain event as an EventBridge rule delivers it (the envelope is the message body): campaign
 * triggers enrol the contact it names (trigger-from-event.ts) and its waiting enrolments the event
 * could move are woken (wake-on-event.ts). Read as `{kind: 'domain-event', event}`.
 */
export const domainEventEnvelope = z.object({
  version: z.string().check(z.maxLength(16)),
  id: id,
  'detail-type': z.string().check(z.minLength(1), z.maxLength(128)),
  source: z.string().check(z.minLength(1), z.maxLength(256)),
  time: z.optional(z.string().check(z.maxLength(64))),
  detail: z.record(z.string(), z.unknown()),
});
export type DomainEventEnvelope = z.infer<typeof domainEventEnvelope>;
const domainEventMessage = z.pipe(
  domainEventEnvelope,
  z.transform((event) => ({ kind: 'domain-event' as const, event })),
);

export const dripStepMessage = z.union([
  z.discriminatedUnion('kind', [
    enrolMessage,
    stepMessage,
    resumePageMessage,
    // The read form, should one be re-queued.
    z.object({ kind: z.literal('domain-event'), event: domainEventEnvelope }),
  ]),
  domainEventMessage,
]);
export type DripStepMessage = z.infer<typeof dripStepMessage>;

/** The state machine's payload between pages of an audience. */
export const audiencePage = z.object({
  workspaceId: id,
  campaignId: id,
  launchId: id,
  /** Which contacts (as in `GET /api/contacts/list`); absent = every live contact. */
  filter: z.optional(z.catchall(contactFilterSchema, z.never())),
  cursor: z.optional(z.string().check(z.minLength(1))),
  enrolled: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  pageSize: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  /** Which run of the launch this is (absent or 0: the first; n: its n-th resume). */
  attempt: z.optional(z.number().check(z.int(), z.nonnegative())),
  /**
   * Which execution of the run's chain this is (absent or 0: the one its starter started; k: the
   * k-th continued as new, launch-chain.ts).
   */
  chunk: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Pages this execution has enrolled so far (absent: none); at `PAGES_PER_EXECUTION` it continues as new. */
  pages: z.optional(z.number().check(z.int(), z.nonnegative())),
});
export type AudiencePage = z.infer<typeof audiencePage>;
export type AudiencePageResult = AudiencePage & {
  done: boolean;
  /** Set on the last page an execution enrols when pages remain: the next execution (its name and input). */
  continueAs?: { name: string; input: Record<string, unknown> };
};

/**
 * The state machine's payload after a page failed for good: the page's own payload with its
 * Catch's `{ Error, Cause }` as `failure`. Read with only the keys recording it needs, so a page
 * that failed on a malformed payload can still be recorded as failed.
 */
export const launchFailure = z.object({
  workspaceId: id,
  campaignId: id,
  launchId: id,
  /** The run that failed (absent or 0: the first): its failure is recorded only while it is the current run. */
  attempt: z.optional(z.number().check(z.int(), z.nonnegative())),
  failure: z.object({
    Error: z.optional(z.string()),
    Cause: z.optional(z.string()),
  }),
});
export type LaunchFailure = z.infer<typeof launchFailure>;
