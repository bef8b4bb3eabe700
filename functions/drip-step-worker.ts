/** SQS consumer of the drip-steps queue. */

import { dynamoEnrolments } from '../shared/adapters/dynamo-campaigns';
import { documents } from '../shared/aws/dynamodb';
import { dripStepMessage } from '../shared/campaigns/messages';
import { runDripStep } from '../shared/campaigns/run-drip-step';
import { tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

const enrolments = dynamoEnrolments(documents, tableName('core'));

export const handler = queueFunction(dripStepMessage, async (message, meta) => {
  const outcome = await runDripStep(message, { enrolments, now: () => new Date() });
  logger.info('Drip step done', { outcome, kind: message.kind, messageId: meta.messageId });
});
