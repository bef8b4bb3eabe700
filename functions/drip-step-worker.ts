/**
 * SQS consumer of the drip-steps queue: `enrol` and `step` messages run the campaign engine
 * (shared/campaigns/run-step.ts); `resume-page` brings back the enrolments a paused campaign
 * held; a contact's domain event wakes its waiting enrolments and enrols it by trigger.
 * Campaign emails go through the email pipeline's queue; timers come back here.
 */
import { queues } from '../lib/definition/queues';
import { withCoalescedGets } from '../shared/adapters/dynamo/batch';
import { dynamoCampaignContacts } from '../shared/adapters/dynamo-campaign-contacts';
import { dynamoCampaignSigningSecrets } from '../shared/adapters/dynamo-campaign-signing-secrets';
import { dynamoCampaignTriggers } from '../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignStore, dynamoCampaignVersions } from '../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../shared/adapters/dynamo-email-templates';
import {
  campaignCounters,
  dynamoEnrolmentStates,
  dynamoHoldingEnrolments,
  heldEnrolments,
} from '../shared/adapters/dynamo-enrolments';
import { dynamoMarketingSendLog } from '../shared/adapters/dynamo-marketing-send-log';
import { dynamoMemberships } from '../shared/adapters/dynamo-memberships';
import { dynamoPromotionRefusals } from '../shared/adapters/dynamo-promotion-refusals';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { dynamoUsers } from '../shared/adapters/dynamo-users';
import { dynamoWebhookAttempts } from '../shared/adapters/dynamo-webhook-attempts';
import { dynamoWorkspaces } from '../shared/adapters/dynamo-workspaces';
import { eventBridgePublisher } from '../shared/adapters/eventbridge-events';
import { fetchWebhookPoster } from '../shared/adapters/fetch-webhook-poster';
import { withCoalescedSends } from '../shared/adapters/sqs/coalesced-sends';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { stepTimers } from '../shared/adapters/step-timers';
import { loadTrackingSecret } from '../shared/adapters/tracking-secret';
import { documents as direct } from '../shared/aws/dynamodb';
import { eventBridge } from '../shared/aws/eventbridge';
import { scheduler } from '../shared/aws/scheduler';
import { secretsManager } from '../shared/aws/secrets-manager';
import { sqs as sqsDirect } from '../shared/aws/sqs';
import { campaignMailer } from '../shared/campaigns/campaign-mailer';
import { type JourneyActionDeps, journeyActions } from '../shared/campaigns/journey-actions';
import { dripStepMessage, type EnrolMessage } from '../shared/campaigns/messages';
import type { StepDeps } from '../shared/campaigns/ports';
import { autoPromoter, autoPromotingVersions } from '../shared/campaigns/promotion';
import { RESUME_PAGE_SIZE, resumeHeldPage } from '../shared/campaigns/resume-and-sweep';
import { runDripStep } from '../shared/campaigns/run-drip-step';
import { failEnrolment, failStep } from '../shared/campaigns/run-step';
import { triggerFromEvent } from '../shared/campaigns/trigger-from-event';
import { wakeOnEvent } from '../shared/campaigns/wake-on-event';
import {
  ConfigError,
  campaignClock,
  config,
  privateWebhooksAllowed,
  queueUrl,
  tableName,
  unsubscribeLinkConfig,
} from '../shared/config';
import { senderProfile } from '../shared/email/sender-profile';
import { unsubscribeFor } from '../shared/email/unsubscribe';
import { AppError } from '../shared/errors';
import { campaignMetrics } from '../shared/observability/campaign-metrics';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';
import { ttlMemo } from '../shared/ttl-memo';

// The key of link tokens, read once when the function loads (shared/adapters/tracking-secret.ts).
await loadTrackingSecret(secretsManager);

// The records of a batch run at once: their plain reads share BatchGetItem calls, and the
// messages they queue (emails, timers) share SendMessageBatch calls.
const documents = withCoalescedGets(direct);
const sqs = withCoalescedSends(sqsDirect);

if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
const core = tableName('core');
const clock = campaignClock();
const contacts = dynamoContacts(documents, core);
// An automatic A/B promotion is written with its audit entry, in one transaction (promotion.ts).
const store = dynamoCampaignStore(documents, core, { auditTable: tableName('audit') });
const stepsUrl = queueUrl('drip-steps');
const steps = sqsStepQueue(sqs, stepsUrl);
const workspaces = dynamoWorkspaces(documents, core);
const profileDeps = {
  settings: dynamoSettings(documents, core),
  workspaceName: async (workspaceId: string) => (await workspaces.workspace(workspaceId))?.name,
};

// Every campaign email needs it (3 reads); a changed postal address or name applies within a
// minute. A profile without the postal address (marketing mail refused) is read again each time,
// so setting the address takes effect at once.
const profile = ttlMemo((workspaceId) => senderProfile(workspaceId, profileDeps), {
  ttlMs: 60_000,
  keep: (p) => p.postalAddress !== undefined,
});

const emailSends = sqsEmailSends(sqs, queueUrl('email-sends'));
// Action nodes: score adjustments publish tier crossings; webhooks are signed per campaign and
// their attempts counted per effect key (at most 5 POSTs, whichever copy of the step makes them).
const actionDeps: JourneyActionDeps = {
  contacts,
  now: () => clock.now(),
  realNow: () => new Date(),
  scoring: {
    store: dynamoScoreStore(documents, core),
    events: eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME),
    now: () => clock.now(),
  },
  webhooks: {
    secrets: dynamoCampaignSigningSecrets(documents, core),
    poster: fetchWebhookPoster({ policy: { allowPrivate: privateWebhooksAllowed() } }),
    attempts: dynamoWebhookAttempts(documents, core),
  },
  notify: {
    members: dynamoMemberships(documents, core),
    users: dynamoUsers(documents, core),
    queue: emailSends,
    from: config.SES_FROM_ADDRESS,
    campaignName: async (workspaceId, campaignId) => (await store.get(workspaceId, campaignId))?.name,
    workspaceName: profileDeps.workspaceName,
  },
};

const failures = campaignMetrics();
/** drip-steps' maxReceiveCount: the receive after which a failing message goes to the DLQ. */
const LAST_RECEIVE = queues.find((q) => q.name === 'drip-steps')?.maxReceiveCount ?? 5;

// A/B nodes with a `promote` rule: promoted by the engine when their test names a winner, judged
// from the campaign's counters (one Query of its stats items a minute per campaign while a node is
// undecided), written by the system (`by: 'auto'`) with its audit entry in the same transaction. A
// promotion the record cannot hold (413) is recorded as refused and not tried again until the
// campaign changes.
const promoter = autoPromoter({
  campaigns: store,
  refusals: dynamoPromotionRefusals(documents, core),
  refused: (refusal) =>
    logger.warn(
      'Automatic A/B promotion refused: the campaign record cannot hold it; not tried again until the campaign changes',
      {
        ...refusal,
      },
    ),
  counters: (workspaceId, campaignId) => campaignCounters(documents, core, workspaceId, campaignId),
  now: () => clock.now(),
  promoted: ({ promotion, ...at }) =>
    logger.info('A/B node promoted automatically', { ...at, actor: 'system', promotion: { ...promotion } }),
  failed: (error, at) => logger.warn('Automatic A/B promotion check failed; tried again in a minute', { error, ...at }),
});

const deps: StepDeps = {
  versions: autoPromotingVersions(dynamoCampaignVersions(store), promoter),
  enrolments: dynamoEnrolmentStates(documents, core),
  contacts: dynamoCampaignContacts(documents, core, contacts),
  suppressions: dynamoSuppressions(documents, core),
  mailer: campaignMailer({
    templates: dynamoEmailTemplates(documents, core),
    profile,
    queue: emailSends,
    sendLog: dynamoMarketingSendLog(documents, core),
    from: config.SES_FROM_ADDRESS,
    unsubscribe: (who) => unsubscribeFor(unsubscribeLinkConfig(), who),
    now: () => clock.now(),
  }),
  actions: journeyActions(actionDeps),
  timers: stepTimers({
    sqs,
    queueUrl: stepsUrl,
    scheduler,
    target:
      config.STEP_SCHEDULE_GROUP && config.STEP_SCHEDULER_ROLE_ARN && config.DRIP_STEPS_QUEUE_ARN
        ? {
            group: config.STEP_SCHEDULE_GROUP,
            roleArn: config.STEP_SCHEDULER_ROLE_ARN,
            queueArn: config.DRIP_STEPS_QUEUE_ARN,
          }
        : undefined,
    clock,
  }),
  now: () => clock.now(),
  metrics: failures,
};
// A step's last delivery: an action that would be retried fails the enrolment with its reason instead.
const lastAttemptDeps: StepDeps = { ...deps, actions: journeyActions({ ...actionDeps, finalAttempt: true }) };

/** The failure an enrolment records when its message's last delivery failed with `error`. */
const lastAttemptFailure = (receiveCount: number, error: AppError) =>
  `Failed after ${receiveCount} attempts: ${error.message}`;

/**
 * An enrolment's start (an enrol message, or a domain event's trigger) failed on a node of the run
 * it started, on its message's last delivery. An error that will be the same next time (ours)
 * writes it `failed` at the node it failed on (`failEnrolment`), so it is listed, counted and
 * retryable, as a dead-lettered step's enrolment is; the error is thrown on either way. True when
 * it was written (its save counted the failure metric).
 */
async function failStartedEnrolment(
  enrol: Omit<EnrolMessage, 'kind'>,
  error: unknown,
  meta: { readonly receiveCount: number; readonly messageId: string },
): Promise<boolean> {
  if (meta.receiveCount < LAST_RECEIVE || !(error instanceof AppError)) return false;
  return failEnrolment(enrol, error, lastAttemptFailure(meta.receiveCount, error)).catch((cause: unknown) => {
    logger.error('The failing enrol message could not fail its enrolment', {
      error: cause,
      messageId: meta.messageId,
    });
    return false;
  });
}

export const handler = queueFunction(dripStepMessage, async (message, meta) => {
  if (message.kind === 'resume-page') {
    const done = await resumeHeldPage(message, {
      held: (workspaceId, campaignId, cursor) =>
        heldEnrolments(documents, core, workspaceId, campaignId, { limit: RESUME_PAGE_SIZE, cursor }),
      campaignStatus: async (workspaceId, campaignId) => (await store.get(workspaceId, campaignId))?.status,
      queue: steps,
    });
    logger.info('Held enrolments resumed', { ...done, campaignId: message.campaignId, messageId: meta.messageId });
    return;
  }
  if (message.kind === 'domain-event') {
    // Waking first: an enrolment this event creates below already saw it. The trigger runs even
    // when the wake failed (each is idempotent per event: a wake re-queues a step by its counter,
    // a trigger claims (event, contact, campaign)), so a wake that keeps failing does not hold back
    // the enrolments the event starts; the wake's failure still fails the delivery, and the
    // redelivery repeats only what is left to do.
    let wakeFailure: { error: unknown } | undefined;
    const woke = await wakeOnEvent(message.event, {
      holding: dynamoHoldingEnrolments(documents, core),
      enrolments: deps.enrolments,
      versions: deps.versions,
      queue: steps,
      now: () => clock.now(),
    }).catch((error: unknown) => {
      wakeFailure = { error };
      logger.error('Waking enrolments on a domain event failed', { error, messageId: meta.messageId });
      return undefined;
    });
    // The enrolment an event starts runs its first steps here: on the event's last delivery with
    // the last-attempt actions, like any step.
    const triggered = await triggerFromEvent(message.event, {
      index: dynamoCampaignTriggers(documents, core),
      versions: deps.versions,
      // Its last delivery failing on a node of the enrolment: written as failed there (then thrown,
      // unclaimed: a redrive finds this event's run and claims it).
      enrol: (enrol) =>
        runDripStep(enrol, meta.receiveCount >= LAST_RECEIVE ? lastAttemptDeps : deps, meta.messageId).catch(
          async (error: unknown) => {
            await failStartedEnrolment(enrol, error, meta);
            throw error;
          },
        ),
    });
    if (wakeFailure) throw wakeFailure.error;
    logger.info('Domain event matched', {
      ...triggered,
      ...woke,
      type: message.event['detail-type'],
      messageId: meta.messageId,
    });
    return;
  }
  const stepDeps = meta.receiveCount >= LAST_RECEIVE ? lastAttemptDeps : deps;
  const outcome = await runDripStep(message, stepDeps, meta.messageId).catch(async (error: unknown) => {
    // An enrol message about to be dead-lettered, failing with one of our errors on a node of the
    // run it started: that enrolment is written failed there (see failStartedEnrolment).
    if (message.kind === 'enrol' && (await failStartedEnrolment(message, error, meta))) throw error;
    if (meta.receiveCount >= LAST_RECEIVE) {
      failures.enrolmentFailed();
      // About to be dead-lettered. An error that will be the same next time (ours: a deleted
      // template, a missing postal address) fails the enrolment with its reason, so it leaves the
      // due-time index (the sweep would bring the step back every few minutes, for ever). Any other
      // (a service throttling or down for a while) leaves it waiting: the sweep tries again later.
      if (message.kind === 'step' && error instanceof AppError) {
        const failure = lastAttemptFailure(meta.receiveCount, error);
        await failStep(message, failure, deps).catch((cause: unknown) =>
          logger.error('The failing step could not fail its enrolment', { error: cause, messageId: meta.messageId }),
        );
      }
    }
    throw error;
  });
  logger.info('Drip step done', {
    ...outcome,
    kind: message.kind,
    campaignId: message.campaignId,
    contactId: message.contactId,
    messageId: meta.messageId,
  });
});
