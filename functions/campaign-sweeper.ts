/**
 * Scheduled (EventBridge, every 5 minutes): re-sends the step of every enrolment whose timer is
 * overdue, sends each campaign status change's follow-up still pending (the outbox of a resume or an
 * archive whose own send failed), and publishes the pending domain events of every contact no write
 * published them for (the outbox of contact writes: shared/crm/contacts/sweep-pending-events.ts), so
 * a `contact.created`, `tag_added` or kept interaction event whose publish was lost still starts its
 * campaigns, within 10 minutes of its write.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoCampaignFollowUps } from '../shared/adapters/dynamo-campaign-follow-ups';
import {
  CONTACT_EVENTS_DUE_SHARDS,
  dueContactEvents,
  moveContactEventsToBack,
  settleContactEvents,
} from '../shared/adapters/dynamo-contact-events-due';
import { dueEnrolments, moveDueToBack } from '../shared/adapters/dynamo-enrolments-due';
import { DUE_STEP_SHARDS } from '../shared/adapters/keys';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { documents } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import type { EnrolmentState } from '../shared/campaigns/enrolment';
import { sweepDueSteps } from '../shared/campaigns/resume-and-sweep';
import { campaignClock, queueUrl, tableName } from '../shared/config';
import { type ContactRef, sweepPendingEvents } from '../shared/crm/contacts/sweep-pending-events';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
const clock = campaignClock();

const deps = {
  shards: DUE_STEP_SHARDS,
  due: (shard: number, before: Date, limit: number, after?: unknown) =>
    dueEnrolments(documents, core, shard, before, limit, after as Record<string, unknown> | undefined),
  queue: sqsStepQueue(sqs, queueUrl('drip-steps')),
  now: () => clock.now(),
  // The grace is real time: under TIME_SCALE it is widened by the scale.
  scale: clock.scale,
  // A re-sent step goes to the back of its shard (the index keeps the place, not this instance):
  // steps that keep failing cannot hold the front of a shard for good, whatever container runs.
  // Best effort per entry: one that fails to move stays where it was (re-sent again next run).
  toBack: async (enrolments: readonly EnrolmentState[], at: Date) => {
    const notMoved = await moveDueToBack(documents, core, enrolments, at);
    if (notMoved.length > 0) {
      logger.warn('Re-sent campaign steps not moved back in the due index; re-sent again next run', {
        notMoved: notMoved.length,
        enrolments: notMoved.slice(0, 10).map(({ enrolment: e }) => `${e.workspaceId}/${e.campaignId}/${e.contactId}`),
        error: notMoved[0]?.error as Error,
      });
    }
    return notMoved.length;
  },
  // Resume and archive leave their held-enrolment pass pending in their own write; sent here when
  // the route's own send failed.
  followUps: dynamoCampaignFollowUps(documents, core),
  moveFailed: (error: unknown, shard: number) =>
    logger.warn('Moving re-sent campaign steps back failed; the sweep goes on', { error: error as Error, shard }),
};

/**
 * What publishes a due contact's pending events: the contacts store and the events publisher
 * (EventBridge, what it does not take straight to the rules' queues; `'throw'` when neither takes
 * them: they stay pending, the contact goes to the back of its shard). Loaded at the first contact
 * due, not at cold start: a run that finds none reads neither.
 */
let publisher: Promise<(contact: ContactRef) => Promise<'published' | 'settled' | 'gone'>> | undefined;
const loadPublisher = () => {
  publisher ??= Promise.all([
    import('../shared/adapters/dynamo-contacts'),
    import('../shared/adapters/request-events'),
    import('../shared/crm/contacts/publish-left-behind'),
  ]).then(async ([{ dynamoContacts }, { requestEventsPublisher }, { publishLeftBehind }]) => {
    const contactDeps = {
      contacts: dynamoContacts(documents, core),
      due: {
        settle: (workspaceId: string, contactId: string) =>
          settleContactEvents(documents, core, workspaceId, contactId),
      },
      events: await requestEventsPublisher('throw'),
    };
    return (contact: ContactRef) => publishLeftBehind(contact, contactDeps);
  });
  // A load that failed is tried again by the next run.
  publisher.catch(() => {
    publisher = undefined;
  });
  return publisher;
};

const contactEvents = {
  shards: CONTACT_EVENTS_DUE_SHARDS,
  due: (shard: number, before: Date, limit: number, after?: unknown) =>
    dueContactEvents(documents, core, shard, before, limit, after as Record<string, unknown> | undefined),
  publisher: loadPublisher,
  // Best effort per entry: one that fails to move stays where it was (first in line next run).
  toBack: async (contacts: readonly ContactRef[], at: Date) =>
    (await moveContactEventsToBack(documents, core, contacts, at)).length,
  // The index holds real times (the contacts' writes), whatever the campaign clock's scale.
  now: () => new Date(),
};

const sweep = async (): Promise<{ resent: number; followUpsSent?: number; contactsPublished?: number }> => {
  // Both every run: a failure of one does not keep the other from running; the first is thrown.
  const [steps, contacts] = await Promise.allSettled([sweepDueSteps(deps), sweepPendingEvents(contactEvents)]);
  if (contacts.status === 'fulfilled') {
    const { error, ...counts } = contacts.value;
    if (counts.published + counts.settled > 0) logger.info('Contact events no write published, swept', counts);
    // More due than one run publishes: the next run goes on.
    if (counts.shardsLeftOver > 0) logger.warn('Contacts with pending events left for the next sweep', counts);
    if (error !== undefined) {
      logger.warn('Publishing contact events failed; they stay pending, swept again next run', {
        ...counts,
        error: error as Error,
      });
    }
  }
  if (steps.status === 'rejected') throw steps.reason;
  const result = steps.value;
  if (result.resent > 0) logger.info('Overdue campaign steps re-sent', result);
  if (result.followUpsSent) logger.info('Pending campaign follow-ups sent', result);
  // More overdue than one run re-sends: the next run goes on (it is every few minutes).
  if (result.shardsLeftOver > 0) logger.warn('Overdue campaign steps left for the next sweep', result);
  if (contacts.status === 'rejected') throw contacts.reason;
  // The run failed, and says so (the contacts stay pending, due again next run).
  if (contacts.value.error !== undefined) throw contacts.value.error;
  return { ...result, ...(contacts.value.published > 0 ? { contactsPublished: contacts.value.published } : {}) };
};

export const handler = middy(sweep).use(injectLambdaContext(logger, { resetKeys: true }));
