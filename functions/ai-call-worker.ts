/**
 * SQS consumer of the ai-calls queue: one agent run per queued call (shared/ai/run-ai-call.ts),
 * however often its message is delivered. A busy call, a retryable provider failure, an error of
 * ours or a failed score step (its call already stored completed) throws, so the message is retried
 * after the visibility timeout and dead-lettered after maxReceiveCount; the last delivery marks the
 * call `failed` and `deadLettered`, and a redrive from the DLQ runs it.
 */
import { randomUUID } from 'node:crypto';
import { queues } from '../lib/definition/queues';
import { dynamoAiResults } from '../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../shared/adapters/dynamo-ai-usage';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { eventBridgePublisher } from '../shared/adapters/eventbridge-events';
import { providerSecretReader } from '../shared/adapters/provider-secrets';
import { aiCallMessage } from '../shared/ai/ai-call';
import { configuredProvider } from '../shared/ai/providers';
import { runAiCall } from '../shared/ai/run-ai-call';
import { documents } from '../shared/aws/dynamodb';
import { eventBridge } from '../shared/aws/eventbridge';
import { secretsManager } from '../shared/aws/secrets-manager';
import { aiModelConfig, ConfigError, campaignClock, config, tableName } from '../shared/config';
import { aiMetrics } from '../shared/observability/ai-metrics';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

const core = tableName('core');
if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
const contacts = dynamoContacts(documents, core);
// Campaign time (TIME_SCALE locally) for the score change, as every other writer of the score
// state stamps it (contacts, scoring, the recompute and drip-step workers): its ledger entry and
// `asOf` are dated in the order the changes were made.
const clock = campaignClock();
const deps = {
  calls: dynamoAiResults(documents, core),
  usage: dynamoAiUsage(documents, core),
  settings: dynamoSettings(documents, core),
  // Prices for each model call's cost reservation (the dearest configured model of the agent).
  models: aiModelConfig(),
  contacts,
  interactions: dynamoInteractions(documents, core),
  // No offline fallback here: a call whose providers all failed is retried by its message.
  provider: configuredProvider({ secrets: providerSecretReader({ client: secretsManager }) }),
  metrics: aiMetrics(),
  // Real time: the call's lease and its usage month (the AI spend), as functions/ai.ts stamps them.
  now: () => new Date(),
  newId: randomUUID,
  maxReceives: queues.find((q) => q.name === 'ai-calls')?.maxReceiveCount ?? 3,
  // A completed contact-intelligence call moves the contact's score (and may cross a tier).
  scoring: {
    store: dynamoScoreStore(documents, core),
    events: eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME),
    now: () => clock.now(),
  },
  // Under the function's 60 s timeout, with room to store the result.
  deadlineMs: 50_000,
  // Failures' details and unwritten usage settlements (the call's view shows only the kind).
  log: logger,
};

export const handler = queueFunction(aiCallMessage, async (message, meta) => {
  const outcome = await runAiCall(message, meta, deps);
  logger.info('AI call done', { outcome, callId: message.callId, messageId: meta.messageId });
});
