/** SQS consumer of the score-recompute queue: one page of contacts per message. */

import { dynamoRecomputeStore } from '../shared/adapters/dynamo-recompute-store';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { eventBridgePublisher } from '../shared/adapters/eventbridge-events';
import { sqsRecomputeQueue } from '../shared/adapters/sqs-recompute-queue';
import { documents } from '../shared/aws/dynamodb';
import { eventBridge } from '../shared/aws/eventbridge';
import { sqs } from '../shared/aws/sqs';
import { ConfigError, campaignClock, config, queueUrl, tableName } from '../shared/config';
import { recomputeMessage, recomputePage } from '../shared/crm/scoring/recompute';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
const core = tableName('core');
// Campaign time (TIME_SCALE locally), as the interactions it replays are stamped.
const clock = campaignClock();
const deps = {
  store: dynamoScoreStore(documents, core),
  recompute: dynamoRecomputeStore(documents, core),
  queue: sqsRecomputeQueue(sqs, queueUrl('score-recompute')),
  events: eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME),
  now: () => clock.now(),
};

export const handler = queueFunction(recomputeMessage, async (message, meta) => {
  const outcome = await recomputePage(message, deps);
  logger.info('Score recompute page done', {
    outcome,
    jobId: message.jobId,
    page: message.page,
    version: message.version,
    messageId: meta.messageId,
  });
});
