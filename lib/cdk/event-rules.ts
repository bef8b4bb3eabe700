/**
 * One EventBridge rule per `eventRules` declaration: on the account's default bus (where AWS
 * services such as SES publish) or on the domain-events bus, matching the declared pattern
 * and delivering each event's envelope to the declared queue.
 *
 * The default bus is the account's, shared by every stage deployed in it (lib/cdk/stage.ts), and
 * AWS services publish there for all of them: SES puts every configuration set's events on it. A
 * rule there therefore carries its declared `stageScope`, added to its pattern here (the `ses-events`
 * rule takes only `detail.mail.tags["ses:configuration-set"]` = the stage's own set), and a
 * default-bus rule without one is refused at synth: dev must never receive prod's bounces. The
 * domain-events bus is the stage's own.
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
import { sesConfigurationSetName } from './email-sending';
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

/**
 * The rule's pattern in `stage`, as EventBridge spells it: the declared one, with its `stageScope`
 * merged into `detail`. A rule on the default bus without a scope is refused: it would take every
 * stage's events.
 */
export function stagePattern(declaration: EventRuleDeclaration, stage: Stage): Record<string, unknown> {
  if (!declaration.stageScope) {
    if (declaration.bus === 'default') {
      throw new Error(
        `Event rule "${declaration.name}" is on the default bus, shared by every stage of the account: declare its stageScope`,
      );
    }
    return { ...declaration.pattern };
  }
  const scope = { mail: { tags: { 'ses:configuration-set': [sesConfigurationSetName(stage)] } } };
  return { ...declaration.pattern, detail: mergePatterns(declaration.pattern.detail, scope) };
}

/** `a` and `b` both required: nested objects merged; a field both give otherwise is a declaration error. */
function mergePatterns(a: unknown, b: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = isObject(a) ? { ...a } : {};
  for (const [key, value] of Object.entries(b)) {
    const had = merged[key];
    if (had === undefined) merged[key] = value;
    else if (isObject(had) && isObject(value)) merged[key] = mergePatterns(had, value);
    else
      throw new Error(
        `Event pattern field "${key}" cannot be both ${JSON.stringify(had)} and ${JSON.stringify(value)}`,
      );
  }
  return merged;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rule's pattern in `stage` ({@link stagePattern}) as CDK's `EventPattern`; an unknown top-level field is a declaration error. */
export function eventPatternOf(declaration: EventRuleDeclaration, stage: Stage): EventPattern {
  const pattern: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(stagePattern(declaration, stage))) {
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
      eventPattern: eventPatternOf(declaration, targets.stage),
    });
    rule.addTarget(new SqsQueue(queue, { deadLetterQueue: dlq }));
    rules.set(declaration.name, rule);
  }
  return rules;
}
