/** Messages on the drip-steps queue and the state machine's task payloads, as zod schemas. */
import * as z from 'zod';
import { contactFilterSchema } from '../crm/contacts/contact-filter';

const id = z.string().min(1).max(128);

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
  run: z.number().int().min(1),
  step: z.number().int().min(0),
});
export type StepMessage = z.infer<typeof stepMessage>;

/** Resume the enrolments a paused campaign held, one page per message (the next page follows). */
export const resumePageMessage = z.object({
  kind: z.literal('resume-page'),
  workspaceId: id,
  campaignId: id,
  cursor: z.string().min(1).max(2048).optional(),
});
export type ResumePageMessage = z.infer<typeof resumePageMessage>;

/**
 * A domain event as an EventBridge rule delivers it (the envelope is the message body): campaign
 * triggers enrol the contact it names (trigger-from-event.ts) and its waiting enrolments the event
 * could move are woken (wake-on-event.ts). Read as `{kind: 'domain-event', event}`.
 */
export const domainEventEnvelope = z.object({
  version: z.string().max(16),
  id: id,
  'detail-type': z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  time: z.string().max(64).optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type DomainEventEnvelope = z.infer<typeof domainEventEnvelope>;
const domainEventMessage = domainEventEnvelope.transform((event) => ({ kind: 'domain-event' as const, event }));

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
  filter: contactFilterSchema.strict().optional(),
  cursor: z.string().min(1).optional(),
  enrolled: z.number().int().nonnegative().default(0),
  pageSize: z.number().int().min(1).max(1000).default(100),
});
export type AudiencePage = z.infer<typeof audiencePage>;
export type AudiencePageResult = AudiencePage & { done: boolean };
