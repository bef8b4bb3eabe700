/**
 * One EventBridge rule per `eventRules` declaration: on the account's default bus (where AWS
 * services such as SES publish) or on the domain-events bus, matching the declared pattern
 * and delivering each event's envelope to the declared queue.
 *
 * The rules live in the Data stack, beside their queues: the SQS target writes the queue's
 * resource policy (events.amazonaws.com may SendMessage, only with this rule's ARN as source),
 * and that policy belongs to the queue's stack. A rule in the App stack would make the Data
 * stack refer to the App stack, which already refers to it. It also means redeploying or
 * deleting the functions never stops SES events from being queued.
 *
 * Events EventBridge cannot deliver (a queue policy gone wrong, a deleted queue) go to the
 * queue's own dead-letter queue, after EventBridge's retries, where the DLQ depth alarm sees
 * them; they carry the same envelope, so a redrive puts them on the work queue.
 * The queues use SQS-managed encryption, so EventBridge needs no KMS permission to send.
 */
import type { EventPattern, IEventBus } from 'aws-cdk-lib/aws-events';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { type EventRuleDeclaration, type QueueName, SERVICE_NAME } from '../definition';
import type { QueuePair } from './data-stack';
import type { Stage } from './stage';

export interface EventRuleTargets {
  readonly stage: Stage;
  readonly queues: Readonly<Record<QueueName, QueuePair>>;
  /** The declared domain-events bus (`bus: 'domain-events'`). */
  readonly domainEvents: IEventBus;
}

/** The declaration's keys are EventBridge's JSON names; CDK's `EventPattern` spells `detail-type` as `detailType`. */
const PATTERN_KEYS: Readonly<Record<string, keyof EventPattern>> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

/** The declared pattern as CDK's `EventPattern`; an unknown top-level field is a declaration error. */
export function eventPatternOf(declaration: EventRuleDeclaration): EventPattern {
  const pattern: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(declaration.pattern)) {
    const key = PATTERN_KEYS[field];
    if (!key) throw new Error(`Event rule "${declaration.name}": "${field}" is not an EventBridge event field`);
    pattern[key] = value;
  }
  return pattern as EventPattern;
}

/** `unite-hub-prod-ses-events`: named so runbooks and the console can point at it. */
export const physicalRuleName = (stage: Stage, rule: string): string => `${SERVICE_NAME}-${stage}-${rule}`;

export function addEventRules(
  scope: Construct,
  declarations: readonly EventRuleDeclaration[],
  targets: EventRuleTargets,
): Map<string, Rule> {
  const defaultBus = EventBus.fromEventBusName(scope, 'default-bus', 'default');
  const rules = new Map<string, Rule>();
  for (const declaration of declarations) {
    const { queue, dlq } = targets.queues[declaration.targetQueue];
    const rule = new Rule(scope, `${declaration.name}-rule`, {
      ruleName: physicalRuleName(targets.stage, declaration.name),
      description: declaration.description,
      eventBus: declaration.bus === 'default' ? defaultBus : targets.domainEvents,
      eventPattern: eventPatternOf(declaration),
    });
    rule.addTarget(new SqsQueue(queue, { deadLetterQueue: dlq }));
    rules.set(declaration.name, rule);
  }
  return rules;
}
