/**
 * The domain-event publisher of an HTTP function whose events are published after its write
 * committed (emails, contacts): EventBridge, and what it does not take straight to the queues of
 * the domain-events bus's rules (fallback-events.ts). The SQS client is loaded only then
 * (sqs-queue-sender.ts behind `import()`): a function that sends to no queue otherwise does not
 * read it at its cold start.
 */
import { eventRules } from '../../lib/definition/event-rules';
import { eventBridge } from '../aws/eventbridge';
import { ConfigError, config, queueUrl } from '../config';
import type { DomainEventPublisher } from '../crm/ports';
import { logger, metrics } from '../observability/logger';
import { eventBridgePublisher } from './eventbridge-events';
import { type FallbackEventsOptions, fallbackEventsPublisher, queueAccount, type RuleQueue } from './fallback-events';

/** The rules of the domain-events bus with their queues, as this function addresses them. */
export function domainEventRuleQueues(): RuleQueue[] {
  return eventRules
    .filter((rule) => rule.bus === 'domain-events')
    .map((rule) => ({ rule: rule.name, pattern: rule.pattern, queueUrl: queueUrl(rule.targetQueue) }));
}

/**
 * @param whenLost what to do with events neither the bus nor a queue took (fallback-events.ts):
 *   `'throw'` where the request's retry is safe and publishes them again, `{ keep }` where it is not.
 */
export async function requestEventsPublisher(
  whenLost: NonNullable<FallbackEventsOptions['whenLost']>,
): Promise<DomainEventPublisher> {
  if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
  const targets = domainEventRuleQueues();
  return fallbackEventsPublisher({
    bus: eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME),
    queue: () => import('./sqs-queue-sender').then((m) => m.processQueueSender),
    targets,
    account: queueAccount(targets[0]?.queueUrl ?? ''),
    // The bus's region is the function's own, as the envelope EventBridge writes says.
    region: await eventBridge.config.region(),
    log: logger,
    metrics,
    whenLost,
  });
}
