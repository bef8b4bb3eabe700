/** Messages on the drip-steps queue and the state machine's task payloads, as zod schemas. */
import * as z from 'zod';

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

export const dripStepMessage = z.discriminatedUnion('kind', [enrolMessage]);
export type DripStepMessage = z.infer<typeof dripStepMessage>;

/** The state machine's payload between pages of an audience. */
export const audiencePage = z.object({
  workspaceId: id,
  campaignId: id,
  launchId: id,
  cursor: z.string().min(1).optional(),
  enrolled: z.number().int().nonnegative().default(0),
  pageSize: z.number().int().min(1).max(1000).default(100),
});
export type AudiencePage = z.infer<typeof audiencePage>;
export type AudiencePageResult = AudiencePage & { done: boolean };
