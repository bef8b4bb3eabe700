/**
 * HTTP function `campaigns`: drafts and published versions, status transitions, enrolment
 * (by contact ids straight onto the drip-steps queue, or by a contact filter through a launch
 * of the campaign-launch state machine), launch progress, enrolments and stats.
 */

import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { campaignRoutes } from '../lib/definition/campaign-routes';
import { dynamoCampaignAiDrafts } from '../shared/adapters/dynamo-campaign-ai-drafts';
import { dynamoCampaignFollowUps } from '../shared/adapters/dynamo-campaign-follow-ups';
import { dynamoCampaignSigningSecrets } from '../shared/adapters/dynamo-campaign-signing-secrets';
import { dynamoCampaignWebhookTokens } from '../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignStore } from '../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../shared/adapters/dynamo-email-templates';
import {
  campaignCounters,
  campaignEnrolments,
  contactEnrolmentsPage,
  dynamoEnrolmentStates,
} from '../shared/adapters/dynamo-enrolments';
import { dynamoIdempotency } from '../shared/adapters/dynamo-idempotency';
import { dynamoLaunches } from '../shared/adapters/dynamo-launches';
import { dynamoMemberships } from '../shared/adapters/dynamo-memberships';
import { dynamoPromotionRefusals } from '../shared/adapters/dynamo-promotion-refusals';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { sfnLaunchExecutions, sfnLaunchStarter } from '../shared/adapters/sfn-launch-starter';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { documents } from '../shared/aws/dynamodb';
import { sfn } from '../shared/aws/sfn';
import { sqs } from '../shared/aws/sqs';
import { aiDraftView, approveAiDraft, approveBody, listAiDrafts } from '../shared/campaigns/ai-copy';
import {
  assertEnrols,
  type Campaign,
  type CampaignTransition,
  campaignView,
  createCampaign,
  createCampaignBody,
  getCampaign,
  publishCampaign,
  transitionCampaign,
  updateCampaign,
  updateCampaignBody,
  writableCampaign,
} from '../shared/campaigns/campaign';
import { enrolByWebhook, rotateWebhookToken } from '../shared/campaigns/campaign-webhook';
import { enrolContactIds } from '../shared/campaigns/enrol-by-ids';
import { type Journey, nodeId } from '../shared/campaigns/journey';
import { assertNotifiedMembers } from '../shared/campaigns/notify-member';
import { promoteBody, promoteNode, runningStats, undoPromotion } from '../shared/campaigns/promotion';
import { sendFollowUp } from '../shared/campaigns/resume-and-sweep';
import { readLaunch, resumeLaunch } from '../shared/campaigns/resume-launch';
import { exitEnrolment, notRetryable, retryEnrolment } from '../shared/campaigns/run-step';
import { rotateSigningSecret } from '../shared/campaigns/signing-secret';
import { campaignClock, privateWebhooksAllowed, queueUrl, stateMachineArn, tableName } from '../shared/config';
import { contactFilterSchema } from '../shared/crm/contacts/contact-filter';
import { getContact } from '../shared/crm/contacts/get-contact';
import { getTemplate } from '../shared/email/stored-templates';
import { assertSubjectVariantsParse } from '../shared/email/templates';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { auditWithChange } from '../shared/http/middlewares/audit';
import { defineOperation } from '../shared/http/operation';
import { pageQuery } from '../shared/http/query-numbers';
import {
  aiDraftApproved,
  aiDraftsList,
  campaignAnswer,
  campaignCreated,
  campaignsPage,
  contactEnrolmentsAnswer,
  enrolmentAccepted,
  enrolmentExited,
  enrolmentRetried,
  enrolmentsPage,
  launchAnswer,
  launchResumed,
  signingSecret,
  statsAnswer,
  webhookEnrolled,
  webhookToken,
} from '../shared/http/responses/campaigns';
import type { HttpRequest } from '../shared/http/types';
import { fingerprintOf, IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, runOnce } from '../shared/idempotency/run-once';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
const clock = campaignClock();
const now = () => clock.now();
// Audit entries of status changes go in the change's own write (campaigns.ts `transition`).
const campaigns = dynamoCampaignStore(documents, core, { auditTable: tableName('audit') });
const followUps = dynamoCampaignFollowUps(documents, core);
// Webhook URLs: private hosts and plain http only where ALLOW_PRIVATE_WEBHOOKS allows (local).
// Triggers: each publish, edit and status change writes the campaign's index entry and schedule
// slot in the same write as the record (campaign.ts `wiresTriggers`), so no failure leaves the
// one without the other, and a change that landed is never answered 500 for a write after it.
// Slots are real time (`realNow` absent: the system clock), as the scheduled trigger compares them.
// Settings: a campaign saved without a time zone takes the workspace's (one read, only then).
const settings = dynamoSettings(documents, core);
const deps = {
  campaigns,
  now,
  newId: randomUUID,
  journeyPolicy: { webhooks: { allowPrivate: privateWebhooksAllowed() } },
  wiresTriggers: true,
  settings,
};
const memberships = dynamoMemberships(documents, core);
const signingSecrets = dynamoCampaignSigningSecrets(documents, core);
const enrolments = dynamoEnrolmentStates(documents, core);
const templates = dynamoEmailTemplates(documents, core);
const launches = dynamoLaunches(documents, core);
const refusals = dynamoPromotionRefusals(documents, core);
const steps = sqsStepQueue(sqs, queueUrl('drip-steps'));
const starter = sfnLaunchStarter(sfn, stateMachineArn());
const executions = sfnLaunchExecutions(sfn, stateMachineArn());
const suppressions = dynamoSuppressions(documents, core);
const aiDraftDeps = {
  ...deps,
  drafts: dynamoCampaignAiDrafts(documents, core),
  templates,
};
/** The operation enrol idempotency keys belong to: a key used here means nothing to another route. */
const ENROL_OPERATION = 'campaigns.enrol';
type EnrolAnswer = { launchId: string; progress: string } | { queued: number; suppressed: number };
// Idempotency keys live on the real clock (a day), whatever the campaign clock's scale.
const enrolOnceDeps = {
  idempotency: dynamoIdempotency(documents, tableName('ephemeral')),
  now: () => new Date(),
  newId: randomUUID,
};
const contacts = dynamoContacts(documents, core);
const webhookDeps = {
  tokens: dynamoCampaignWebhookTokens(documents, core),
  campaigns,
  contacts,
  queue: steps,
  newId: randomUUID,
};

const recordId = z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/));
const idParam = z.object({ id: recordId });
const nodeParams = z.object({ id: recordId, nodeId });
const draftParams = z.object({ id: recordId, nodeId, draftId: recordId });
const page = pageQuery(100, 25);
const enrolBody = z.union([
  z.strictObject({ contactIds: z.array(recordId).check(z.minLength(1), z.maxLength(100)) }),
  z.strictObject({ filter: z.catchall(contactFilterSchema, z.never()) }),
]);

const workspaceOf = (request: HttpRequest) => callerOf(request).workspaceId;
const audited = (campaignId: string, metadata?: Record<string, unknown>) => ({
  resourceType: 'campaign',
  resourceId: campaignId,
  ...(metadata ? { metadata } : {}),
});
const ok = (campaign: Campaign, status = 200) => ({ status, body: { campaign: campaignView(campaign) } });

/**
 * What a journey names outside the campaign record, checked against the workspace as it is now
 * (400 `INVALID_JOURNEY` naming the node): the members its notify-user nodes notify; and what the
 * sender will render, its email nodes' subject variants, parsed (400 `TEMPLATE_INVALID`). Run on every
 * save of a journey, and again by {@link publishable} before a publish freezes the draft, since a
 * member may have left after the save.
 */
const assertReferences = (workspaceId: string) => async (journey: Journey | undefined) => {
  // Each A/B subject variant parses as the template's subject does (400 TEMPLATE_INVALID naming node and variant).
  await assertSubjectVariantsParse(journey?.nodes ?? []);
  return assertNotifiedMembers(workspaceId, journey, memberships);
};

/** Each email node's template must exist; a node without a version gets the latest one, frozen. */
const pinTemplates =
  (workspaceId: string) =>
  async (journey: Journey): Promise<Journey> => {
    const nodes = [];
    for (const node of journey.nodes) {
      if (node.kind !== 'email') {
        nodes.push(node);
        continue;
      }
      try {
        const template = await getTemplate(workspaceId, node.templateId, node.version, { templates });
        nodes.push({ ...node, version: template.version });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ValidationError(`Node "${node.id}": ${error.message}`, 'INVALID_JOURNEY', {
          details: { problems: [{ node: node.id, message: error.message }] },
        });
      }
    }
    return { nodes };
  };

/** What publish freezes: the draft re-checked as a save checks it ({@link assertReferences}), templates pinned. */
const publishable =
  (workspaceId: string) =>
  async (journey: Journey): Promise<Journey> => {
    await assertReferences(workspaceId)(journey);
    return pinTemplates(workspaceId)(journey);
  };

/**
 * Sends the campaign's pending follow-up now, if it has one (resume-and-sweep.ts `sendFollowUp`).
 * Best effort: the change it follows has landed, with its follow-up recorded in the same write
 * (the outbox), so a failure here is logged and the sweeper sends it within its period.
 */
async function followUpNow(workspaceId: string, campaignId: string): Promise<void> {
  try {
    const pending = await followUps.of(workspaceId, campaignId);
    if (pending) await sendFollowUp(pending, { followUps, queue: steps });
  } catch (error) {
    logger.warn('Campaign follow-up not sent; the sweeper sends it', { error: error as Error, campaignId });
  }
}

const transition = (name: CampaignTransition) =>
  defineOperation({ params: idParam, response: campaignAnswer }, async ({ params }, request) => {
    const details = (campaign: Pick<Campaign, 'campaignId'>) => audited(campaign.campaignId, { transition: name });
    const withChange = auditWithChange<Campaign>(request, details);
    // The status, the trigger wiring it calls for (slot, index entry), its pending follow-up and its
    // audit entry land in one write.
    const campaign = await transitionCampaign(
      workspaceOf(request),
      params.id,
      name,
      deps,
      withChange ? { audit: withChange } : {},
    );
    // Held enrolments come back a page per message (drip-step-worker): on resume to run on, on
    // archive to exit as archived. The pass is the follow-up the write left pending: sent now (a
    // repeat of a transition already made sends one still pending), else by the sweeper.
    await followUpNow(campaign.workspaceId, campaign.campaignId);
    // The entry was written with the change; or nothing was written, the campaign being there
    // already (a repeat: the first request's entry stands), and the edge writes no second one.
    const repeated = withChange !== undefined && !withChange.written;
    return { ...ok(campaign), audit: { ...details(campaign), inWrite: withChange?.written === true || repeated } };
  });

export const handler = httpFunction('campaigns', campaignRoutes, {
  'campaigns.create': defineOperation(
    { body: createCampaignBody, response: campaignCreated },
    async ({ body }, request) => {
      const caller = callerOf(request);
      await assertReferences(caller.workspaceId)(body.journey);
      const campaign = await createCampaign(caller.workspaceId, caller.userId, body, deps);
      return { ...ok(campaign, 201), audit: audited(campaign.campaignId) };
    },
  ),

  'campaigns.list': defineOperation(
    {
      query: z.object({ ...page, status: z.optional(z.enum(['draft', 'active', 'paused', 'archived'])) }),
      response: campaignsPage,
    },
    async ({ query }, request) => {
      const found = await campaigns.list(workspaceOf(request), query);
      return {
        status: 200,
        body: {
          campaigns: found.campaigns.map(campaignView),
          ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
        },
      };
    },
  ),

  'campaigns.get': defineOperation({ params: idParam, response: campaignAnswer }, async ({ params }, request) =>
    ok(await getCampaign(workspaceOf(request), params.id, deps)),
  ),

  'campaigns.update': defineOperation(
    { params: idParam, body: updateCampaignBody, response: campaignAnswer },
    async ({ params, body }, request) => {
      await assertReferences(workspaceOf(request))(body.journey);
      const campaign = await updateCampaign(workspaceOf(request), params.id, body, deps);
      return { ...ok(campaign), audit: audited(campaign.campaignId) };
    },
  ),

  'campaigns.delete': transition('archive'),
  'campaigns.archive': transition('archive'),
  'campaigns.pause': transition('pause'),
  'campaigns.resume': transition('resume'),

  'campaigns.publish': defineOperation({ params: idParam, response: campaignAnswer }, async ({ params }, request) => {
    const workspaceId = workspaceOf(request);
    // The new version's slot and index entry are written with it (a slot that came due and was not
    // launched yet kept while it is still one of the trigger's).
    const campaign = await publishCampaign(workspaceId, params.id, deps, publishable(workspaceId));
    return { ...ok(campaign), audit: audited(campaign.campaignId, { version: campaign.publishedVersion }) };
  }),

  'campaigns.promote': defineOperation(
    { params: nodeParams, body: promoteBody, response: campaignAnswer },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const campaign = await promoteNode(caller.workspaceId, params.id, params.nodeId, body, caller.userId, deps);
      return { ...ok(campaign), audit: audited(campaign.campaignId, { promoted: params.nodeId, ...body }) };
    },
  ),

  'campaigns.unpromote': defineOperation(
    { params: nodeParams, response: campaignAnswer },
    async ({ params }, request) => {
      const caller = callerOf(request);
      const campaign = await undoPromotion(caller.workspaceId, params.id, params.nodeId, caller.userId, deps);
      return { ...ok(campaign), audit: audited(campaign.campaignId, { unpromoted: params.nodeId }) };
    },
  ),

  'campaigns.ai-drafts.list': defineOperation(
    { params: nodeParams, response: aiDraftsList },
    async ({ params }, request) => {
      const found = await listAiDrafts(workspaceOf(request), params.id, params.nodeId, aiDraftDeps);
      return { status: 200, body: { ...found, drafts: found.drafts.map(aiDraftView) } };
    },
  ),

  // The lint runs on what is approved; the copy becomes the node's template version (ai-copy.ts).
  'campaigns.ai-drafts.approve': defineOperation(
    { params: draftParams, body: approveBody, response: aiDraftApproved },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const { campaign, approval } = await approveAiDraft(
        caller,
        params.id,
        params.nodeId,
        params.draftId,
        body,
        aiDraftDeps,
      );
      return {
        status: 200,
        body: { campaign: campaignView(campaign), approval },
        audit: audited(campaign.campaignId, {
          aiCopyApproved: params.nodeId,
          draftId: params.draftId,
          templateId: approval.templateId,
          version: approval.version,
          edited: approval.edited,
        }),
      };
    },
  ),

  // A retry with the same Idempotency-Key answers the first attempt's 202 again: one launch
  // (or one batch of enrol messages) per key, however often a client resends after a lost answer.
  'campaigns.enrol': defineOperation(
    { params: idParam, body: enrolBody, response: enrolmentAccepted },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const { workspaceId } = caller;
      const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
      const enrol = async ({ launchId }: { launchId: string }): Promise<EnrolAnswer> => {
        const campaign = await getCampaign(workspaceId, params.id, deps);
        assertEnrols(campaign);
        if ('contactIds' in body) {
          return enrolContactIds(
            { workspaceId, campaignId: campaign.campaignId, launchId, contactIds: body.contactIds },
            { contacts, suppressions, queue: steps },
          );
        }
        // Both idempotent per launch id (a conditional put; the execution's name), so a re-run of
        // a failed first attempt, with the plan's launch id, starts nothing twice.
        await launches.begin(workspaceId, campaign.campaignId, launchId, now().toISOString());
        await starter.start({ workspaceId, campaignId: campaign.campaignId, launchId, filter: body.filter });
        return { launchId, progress: `/api/campaigns/${campaign.campaignId}/launches/${launchId}` };
      };
      const { result, replayed } =
        key === undefined
          ? { result: await enrol({ launchId: randomUUID() }), replayed: false }
          : await runOnce(
              enrolOnceDeps,
              { workspaceId, operation: ENROL_OPERATION, key },
              {
                fingerprint: fingerprintOf({ campaignId: params.id, body, by: caller.userId }),
                plan: { launchId: randomUUID() },
              },
              enrol,
            );
      return {
        status: 202,
        ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
        body: result,
        audit: audited(params.id, {
          ...('launchId' in result ? { launchId: result.launchId } : result),
          ...(replayed ? { replayed } : {}),
        }),
      };
    },
  ),

  // Shown once: only its SHA-256 is kept (campaign-webhook.ts). Bound to the caller and their
  // password version: their removal or password change ends it. Minted on real time.
  'campaigns.webhook-token': defineOperation(
    { params: idParam, response: webhookToken },
    async ({ params }, request) => {
      const caller = callerOf(request);
      const rotated = await rotateWebhookToken(caller.workspaceId, params.id, caller, {
        ...deps,
        now: () => new Date(),
        tokens: webhookDeps.tokens,
      });
      return { status: 201, body: rotated, audit: audited(params.id, { webhookToken: 'rotated' }) };
    },
  ),

  // Shown once; webhook actions are signed with it from now on (signing-secret.ts).
  'campaigns.signing-secret': defineOperation(
    { params: idParam, response: signingSecret },
    async ({ params }, request) => {
      const rotated = await rotateSigningSecret(workspaceOf(request), params.id, { ...deps, secrets: signingSecrets });
      return { status: 201, body: rotated, audit: audited(params.id, { signingSecret: 'rotated' }) };
    },
  ),

  // Public: the token is the credential; a wrong one is a 404, whatever the body. An
  // Idempotency-Key goes through runOnce once the token names the workspace (campaign-webhook.ts):
  // a retry answers the first 202 again, the key with another body is 422.
  'hooks.campaign': defineOperation(
    {
      params: z.object({ id: z.string().check(z.maxLength(200)), token: z.string().check(z.maxLength(200)) }),
      body: z.unknown(),
      response: webhookEnrolled,
    },
    async ({ params, body }, request) => {
      const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
      const { contactId, replayed } = await enrolByWebhook(
        params.id,
        params.token,
        body,
        webhookDeps,
        key === undefined ? undefined : { key, ...enrolOnceDeps },
      );
      return {
        status: 202,
        ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
        body: { queued: 1, contactId },
      };
    },
  ),

  'campaigns.launch': defineOperation(
    { params: z.object({ id: recordId, launchId: recordId }), response: launchAnswer },
    async ({ params }, request) => {
      const launch = await readLaunch(
        { workspaceId: workspaceOf(request), campaignId: params.id, launchId: params.launchId },
        { launches, executions, now },
      );
      return { status: 200, body: { launch } };
    },
  ),

  'campaigns.launch-resume': defineOperation(
    { params: z.object({ id: recordId, launchId: recordId }), response: launchResumed },
    async ({ params }, request) => {
      const workspaceId = workspaceOf(request);
      const campaign = await getCampaign(workspaceId, params.id, deps);
      assertEnrols(campaign);
      const launch = await resumeLaunch(
        { workspaceId, campaignId: campaign.campaignId, launchId: params.launchId },
        { launches, starter, now },
      );
      return {
        status: 202,
        body: { launch },
        audit: audited(params.id, { launchId: params.launchId, resumed: launch.resumed ?? 0 }),
      };
    },
  ),

  'campaigns.enrolments': defineOperation(
    { params: idParam, query: z.object(page), response: enrolmentsPage },
    async ({ params, query }, request) => {
      const workspaceId = workspaceOf(request);
      await getCampaign(workspaceId, params.id, deps);
      return { status: 200, body: await campaignEnrolments(documents, core, workspaceId, params.id, query) };
    },
  ),

  'campaigns.stats': defineOperation({ params: idParam, response: statsAnswer }, async ({ params }, request) => {
    const workspaceId = workspaceOf(request);
    const counters = await campaignCounters(documents, core, workspaceId, params.id);
    // Described over the published version contacts run on, not the draft. A read: it writes
    // nothing. A node's `promote` rule is applied by the engine (drip-step worker); the stats say
    // where it stands (`autoPromotion`, promotion.ts).
    const campaign = await getCampaign(workspaceId, params.id, deps);
    // A promotion refused for the record's size shows as `refused` while the campaign is as it was.
    const { stats } = await runningStats(campaign, counters, { ...deps, refusals });
    return { status: 200, body: { stats, counters } };
  }),

  'campaigns.exit': defineOperation(
    { params: z.object({ id: recordId, contactId: recordId }), response: enrolmentExited },
    async ({ params }, request) => {
      const workspaceId = workspaceOf(request);
      // An archived campaign is read-only (409 CAMPAIGN_ARCHIVED): its enrolments exit as
      // `archived` (the archive's own pass), not as a person's `manual` exit.
      await writableCampaign(workspaceId, params.id, deps);
      const state = await enrolments.get(workspaceId, params.id, params.contactId);
      if (!state) throw new NotFoundError('This contact is not enrolled in this campaign', 'ENROLMENT_NOT_FOUND');
      if (!(await exitEnrolment(state, 'manual', { enrolments, now }))) {
        throw new ConflictError(`The enrolment has already ended or moved; read it again`, 'ENROLMENT_CHANGED');
      }
      const after = await enrolments.get(workspaceId, params.id, params.contactId);
      return { status: 200, body: { enrolment: after }, audit: audited(params.id, { exited: params.contactId }) };
    },
  ),

  'campaigns.retry': defineOperation(
    { params: z.object({ id: recordId, contactId: recordId }), response: enrolmentRetried },
    async ({ params }, request) => {
      const workspaceId = workspaceOf(request);
      const campaign = await getCampaign(workspaceId, params.id, deps);
      const state = await enrolments.get(workspaceId, params.id, params.contactId);
      if (!state) throw new NotFoundError('This contact is not enrolled in this campaign', 'ENROLMENT_NOT_FOUND');
      const why = notRetryable(state, campaign.status);
      if (why)
        throw new ConflictError(
          `${why}: only a failed enrolment of a live campaign can be retried`,
          'ENROLMENT_NOT_RETRYABLE',
        );
      if (!(await retryEnrolment(state, { enrolments, now, queue: steps }))) {
        throw new ConflictError(`The enrolment has moved; read it again`, 'ENROLMENT_CHANGED');
      }
      const after = await enrolments.get(workspaceId, params.id, params.contactId);
      return { status: 200, body: { enrolment: after }, audit: audited(params.id, { retried: params.contactId }) };
    },
  ),

  // Like every contact route: an id that is no live contact of the workspace (another
  // workspace's, a deleted one, none) is 404 CONTACT_NOT_FOUND, not an empty list.
  'contacts.enrolments': defineOperation(
    { params: idParam, query: z.object(page), response: contactEnrolmentsAnswer },
    async ({ params, query }, request) => {
      const workspaceId = workspaceOf(request);
      await getContact(workspaceId, params.id, { contacts });
      return { status: 200, body: await contactEnrolmentsPage(documents, core, workspaceId, params.id, query) };
    },
  ),
});
