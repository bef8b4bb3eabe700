/**
 * Scheduled (EventBridge): re-sends the step of every enrolment whose timer is overdue, and sends
 * each campaign status change's follow-up still pending (the outbox of a resume or an archive whose
 * own send failed).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoCampaignFollowUps } from '../shared/adapters/dynamo-campaign-follow-ups';
import { dueEnrolments, moveDueToBack } from '../shared/adapters/dynamo-enrolments';
import { DUE_STEP_SHARDS } from '../shared/adapters/keys';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { documents } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import type { EnrolmentState } from '../shared/campaigns/enrolment';
import { sweepDueSteps } from '../shared/campaigns/resume-and-sweep';
import { campaignClock, queueUrl, tableName } from '../shared/config';
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

const sweep = async (): Promise<{ resent: number; followUpsSent?: number }> => {
  const result = await sweepDueSteps(deps);
  if (result.resent > 0) logger.info('Overdue campaign steps re-sent', result);
  if (result.followUpsSent) logger.info('Pending campaign follow-ups sent', result);
  // More overdue than one run re-sends: the next run goes on (it is every few minutes).
  if (result.shardsLeftOver > 0) logger.warn('Overdue campaign steps left for the next sweep', result);
  return result;
};

export const handler = middy(sweep).use(injectLambdaContext(logger, { resetKeys: true }));
