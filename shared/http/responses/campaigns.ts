/** Success answers of the campaign routes (functions/campaigns.ts). */
import * as z from 'zod/mini';
import { CAMPAIGN_STATUSES } from '../../campaigns/campaign';
import type { SuccessResponse } from '../operation';
import { aiDraft, exampleAiDraft } from './ai-draft';
import { EXAMPLE_TIME, EXAMPLE_WORKSPACE, id, instant, page } from './common';

/** A campaign as the API shows it: the journey's nodes are named by id and kind; the rest is in docs/CAMPAIGNS.md. */
const campaign = z.looseObject({
  campaignId: id,
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  journey: z.looseObject({ nodes: z.array(z.looseObject({ id: z.string(), kind: z.string() })) }),
  rules: z.optional(z.record(z.string(), z.unknown())),
  revision: z.number().check(z.int()),
  publishedVersion: z.optional(z.number().check(z.int())),
  createdAt: instant,
  updatedAt: instant,
});

const CAMPAIGN_ID = '21851a54-ddb6-413d-b8f8-c09474074ca3';
const CONTACT_ID = 'e0365558-79fa-4bc7-8327-d7d342c45164';
const exampleCampaign = {
  campaignId: CAMPAIGN_ID,
  name: 'Welcome journey',
  status: 'draft',
  journey: {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'wait' },
      { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  },
  rules: { timeZone: 'Europe/Berlin', frequencyCap: { max: 3, per: 'week' }, reentry: { mode: 'never' } },
  revision: 1,
  createdAt: EXAMPLE_TIME,
  updatedAt: EXAMPLE_TIME,
};
const oneCampaign = z.object({ campaign });

export const campaignCreated = {
  status: 201,
  description: 'The new draft',
  schema: oneCampaign,
  example: { campaign: exampleCampaign },
} satisfies SuccessResponse;

export const campaignAnswer = {
  status: 200,
  description: 'The campaign as it is now',
  schema: oneCampaign,
  example: { campaign: { ...exampleCampaign, status: 'active', revision: 2, publishedVersion: 1 } },
} satisfies SuccessResponse;

export const campaignsPage = {
  status: 200,
  description: 'A page of campaigns; pass `nextCursor` as `cursor` for the next one',
  schema: page('campaigns', campaign),
  example: { campaigns: [exampleCampaign] },
} satisfies SuccessResponse;

const LAUNCH_ID = '694277be-9107-406e-949c-30b4d512ee21';

export const enrolmentAccepted = {
  status: 202,
  description:
    'A filter starts a launch (follow it at `progress`); a list of contact ids is queued at once and answers the counts',
  // Closed objects: a client tells the two answers apart by their fields.
  schema: z.union([
    z.object({ launchId: id, progress: z.string() }),
    z.object({ queued: z.number().check(z.int()), suppressed: z.number().check(z.int()) }),
  ]),
  example: { launchId: LAUNCH_ID, progress: `/api/campaigns/${CAMPAIGN_ID}/launches/${LAUNCH_ID}` },
} satisfies SuccessResponse;

const launchProgress = z.looseObject({
  launchId: id,
  campaignId: id,
  status: z.enum(['running', 'done', 'failed']),
  queued: z.number().check(z.int()),
  suppressed: z.number().check(z.int()),
  startedAt: instant,
  finishedAt: z.optional(instant),
  /** When its last page was recorded. */
  updatedAt: z.optional(instant),
  failedAt: z.optional(instant),
  /** Why a failed launch stopped (the error of the page that kept failing, or how its execution ended). */
  error: z.optional(z.string()),
  /** How often it was resumed. */
  resumed: z.optional(z.number().check(z.int())),
  /** On a failed launch: whether `POST .../resume` can start it again at its first page not counted. */
  resumable: z.optional(z.boolean()),
});

export const launchAnswer = {
  status: 200,
  description: 'A launch’s progress',
  schema: z.object({ launch: launchProgress }),
  example: {
    launch: {
      launchId: LAUNCH_ID,
      campaignId: CAMPAIGN_ID,
      status: 'done',
      queued: 1,
      suppressed: 0,
      startedAt: EXAMPLE_TIME,
      finishedAt: EXAMPLE_TIME,
    },
  },
} satisfies SuccessResponse;

export const launchResumed = {
  status: 202,
  description: 'The failed launch runs again from its first page not counted (follow it with `GET` on the launch)',
  schema: z.object({ launch: launchProgress }),
  example: {
    launch: {
      launchId: LAUNCH_ID,
      campaignId: CAMPAIGN_ID,
      status: 'running',
      queued: 4200,
      suppressed: 12,
      startedAt: EXAMPLE_TIME,
      resumed: 1,
    },
  },
} satisfies SuccessResponse;

const enrolment = z.looseObject({
  workspaceId: id,
  campaignId: id,
  contactId: id,
  run: z.number().check(z.int()),
  version: z.number().check(z.int()),
  node: z.string(),
  step: z.number().check(z.int()),
  status: z.string(),
  enteredAt: instant,
  nodeSince: z.optional(instant),
  dueAt: z.optional(instant),
  endedAt: z.optional(instant),
  exitReason: z.optional(z.string()),
  failure: z.optional(z.string()),
  retries: z.optional(z.number().check(z.int())),
});
const exampleEnrolment = {
  workspaceId: EXAMPLE_WORKSPACE,
  campaignId: CAMPAIGN_ID,
  contactId: CONTACT_ID,
  run: 1,
  version: 1,
  node: 'wait',
  step: 2,
  status: 'waiting',
  enteredAt: EXAMPLE_TIME,
  nodeSince: EXAMPLE_TIME,
  dueAt: '2026-01-16T09:30:00.000Z',
};

export const enrolmentsPage = {
  status: 200,
  description: 'A page of the campaign’s enrolments',
  schema: page('enrolments', enrolment),
  example: { enrolments: [exampleEnrolment] },
} satisfies SuccessResponse;

export const contactEnrolmentsAnswer = {
  status: 200,
  description: 'A page of the contact’s enrolments, one per campaign, in campaign id order',
  schema: page('enrolments', enrolment),
  example: { enrolments: [exampleEnrolment] },
} satisfies SuccessResponse;

export const enrolmentExited = {
  status: 200,
  description: 'The enrolment, ended',
  schema: z.object({ enrolment }),
  example: {
    enrolment: { ...exampleEnrolment, step: 3, status: 'exited', endedAt: EXAMPLE_TIME, exitReason: 'manual' },
  },
} satisfies SuccessResponse;

export const enrolmentRetried = {
  status: 200,
  description: 'The enrolment, waiting to run again at the node it failed on (due now)',
  schema: z.object({ enrolment }),
  example: {
    enrolment: { ...exampleEnrolment, node: 'welcome', step: 5, status: 'waiting', retries: 1 },
  },
} satisfies SuccessResponse;

export const statsAnswer = {
  status: 200,
  description: 'Totals, per-node counts, split arms and subject variants, and the raw counters',
  schema: z.object({
    stats: z.looseObject({
      totals: z.looseObject({ entered: z.number(), waiting: z.number(), completed: z.number(), sent: z.number() }),
      nodes: z.record(z.string(), z.unknown()),
      splits: z.record(z.string(), z.unknown()),
      variants: z.record(z.string(), z.unknown()),
    }),
    counters: z.record(z.string(), z.unknown()),
  }),
  example: {
    stats: {
      totals: { entered: 3, waiting: 1, completed: 2, sent: 2 },
      nodes: { start: {}, wait: {}, done: {} },
      splits: {},
      variants: {},
    },
    counters: {},
  },
} satisfies SuccessResponse;

export const webhookToken = {
  status: 201,
  description: 'A new webhook token, shown once: only its hash is kept',
  schema: z.looseObject({ token: z.string(), path: z.string() }),
  example: { token: 'WQkt6oG6EKfdQQcTuMFd8WhOHaLQGExAKVXzphMZJRQ', path: `/api/hooks/campaigns/${CAMPAIGN_ID}/WQkt…` },
} satisfies SuccessResponse;

export const signingSecret = {
  status: 201,
  description: 'A new signing secret for webhook actions, shown once',
  schema: z.looseObject({ secret: z.string(), header: z.string() }),
  example: { secret: 'whsec_+g6nJHBao16y8X99jtCToBy/ud77GdIX3D13Rfc7umQ=', header: 'X-UniteHub-Signature' },
} satisfies SuccessResponse;

export const webhookEnrolled = {
  status: 202,
  description: 'The contact is queued for enrolment',
  schema: z.looseObject({ queued: z.literal(1), contactId: id }),
  example: { queued: 1, contactId: CONTACT_ID },
} satisfies SuccessResponse;

const approval = z.looseObject({
  draftId: id,
  by: z.string(),
  at: instant,
  templateId: id,
  version: z.number().check(z.int()),
  edited: z.boolean(),
});
const exampleApproval = {
  draftId: exampleAiDraft.draftId,
  by: 'user-1',
  at: EXAMPLE_TIME,
  templateId: '3cafb0bb-5c78-4e55-ad48-a801fb5d76b9',
  version: 1,
  edited: false,
};

export const aiDraftsList = {
  status: 200,
  description: 'The node’s drafts (newest first), its approval and where it stands',
  schema: z.object({
    drafts: z.array(aiDraft),
    approval: z.nullable(approval),
    state: z.enum(['unapproved', 'approved', 'edited-by-hand']),
  }),
  example: { drafts: [exampleAiDraft], approval: null, state: 'unapproved' },
} satisfies SuccessResponse;

export const aiDraftApproved = {
  status: 200,
  description: 'The campaign with the approved copy as its node’s template version, and the approval',
  schema: z.object({ campaign, approval }),
  example: { campaign: exampleCampaign, approval: exampleApproval },
} satisfies SuccessResponse;
