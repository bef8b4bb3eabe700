/** SQS consumer of the ai-calls queue. */

import { dynamoAiResults } from '../shared/adapters/dynamo-ai-results';
import { aiCallMessage, offlineProvider, runAiCall } from '../shared/ai/ai-call';
import { documents } from '../shared/aws/dynamodb';
import { tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

const results = dynamoAiResults(documents, tableName('core'));

export const handler = queueFunction(aiCallMessage, async (message, meta) => {
  const outcome = await runAiCall(message, { provider: offlineProvider, results, now: () => new Date() });
  logger.info('AI call done', { outcome, agent: message.agent, messageId: meta.messageId });
});
