/**
 * SQS consumer of the email-events queue: provider events (SES through the EventBridge rule
 * `ses-events`, Resend through the verified webhook route) normalised and applied by
 * `processEmailEvent` (shared/email/process-event.ts): the Send event's acknowledgement of the
 * ledger record, send record, suppressions (the address; on a complaint the contact's own opt-out
 * too), timeline, reputation counters, campaign counters (once per send and kind, by a marker),
 * auto-pause. An event that is not ours (no workspace/send tags) or of a kind nothing here uses is
 * logged and dropped; one of another stage (another SES configuration set than SES_CONFIGURATION_SET,
 * set by the stack) is also counted (`EmailEventsOfOtherStages`), never retried; a failure is a batch item failure (retried, then dead-lettered), and a retry
 * changes nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { withCoalescedGets } from '../shared/adapters/dynamo/batch';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../shared/adapters/dynamo-email-events';
import { dynamoCampaignEventCounter } from '../shared/adapters/dynamo-enrolments';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { dynamoSendLedger } from '../shared/adapters/dynamo-send-ledger';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { eventBridgePublisher } from '../shared/adapters/eventbridge-events';
import { documents as direct } from '../shared/aws/dynamodb';
import { eventBridge } from '../shared/aws/eventbridge';
import { ConfigError, campaignClock, config, reputationThresholds, tableName } from '../shared/config';
import { interactionScorer } from '../shared/crm/scoring/score-interaction';
import { interactionTimeline } from '../shared/email/email-timeline';
import { type ProcessEventDeps, processEmailEvent } from '../shared/email/process-event';
import { eventEnvelope, parseProviderEvent } from '../shared/email/provider-events';
import { emailEventMetrics, recordOtherStageEvent } from '../shared/observability/email-metrics';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

// The records of a batch run at once: their plain reads share BatchGetItem calls.
const documents = withCoalescedGets(direct);

if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');

const core = tableName('core');
// Timeline entries are campaign time, as the contacts and campaign functions record theirs (the
// wall clock in the cloud; TIME_SCALE locally); the rest of the event's handling is real time.
const clock = campaignClock();
const now = () => clock.now();
// Domain events: tier crossings (the scorer) and contact.interaction_recorded (the timeline).
const events = eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME);

const deps: ProcessEventDeps = {
  sends: dynamoSendRecords(documents, core),
  // A Send event acknowledges its send: a sender that died before markSent is recorded by it.
  ledger: dynamoSendLedger(documents, core),
  suppressions: dynamoSuppressions(documents, core),
  softBounces: dynamoSoftBounces(documents, core),
  timeline: interactionTimeline(
    {
      contacts: dynamoContacts(documents, core),
      interactions: dynamoInteractions(documents, core),
      scorer: interactionScorer({ store: dynamoScoreStore(documents, core), events, now }),
      now,
      newId: randomUUID,
      // contact.interaction_recorded: deliveries, bounces and complaints start campaigns and wake
      // the contact's waiting enrolments, as any other interaction does.
      events,
    },
    clock,
  ),
  reputation: dynamoReputation(documents, core),
  guard: dynamoReputationGuard(documents, core),
  thresholds: reputationThresholds(config),
  metrics: emailEventMetrics(),
  campaigns: dynamoCampaignEventCounter(documents, core),
  now: Date.now,
};

// The stage's own SES configuration set (the stack sets it): another stage's events are dropped.
const own = config.SES_CONFIGURATION_SET ? { sesConfigurationSet: config.SES_CONFIGURATION_SET } : {};

export const handler = queueFunction(eventEnvelope, async (envelope, meta) => {
  const log = { ...meta, eventId: envelope.id, source: envelope.source, detailType: envelope['detail-type'] };
  const parsed = parseProviderEvent(envelope, own);
  if (parsed.status === 'ignored') {
    if (parsed.foreign) {
      logger.warn('Provider event of another stage dropped', { ...log, reason: parsed.reason });
      recordOtherStageEvent();
      return;
    }
    logger.info('Provider event ignored', { ...log, reason: parsed.reason });
    return;
  }
  for (const event of parsed.events) {
    const outcome = await processEmailEvent(event, deps);
    logger.info(outcome.status === 'ignored' ? 'Provider event ignored' : 'Provider event processed', {
      ...log,
      type: event.type,
      workspaceId: event.workspaceId,
      sendId: event.sendId,
      ...outcome,
    });
  }
});
