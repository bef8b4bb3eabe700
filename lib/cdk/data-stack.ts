/**
 * The stateful half: DynamoDB tables and SQS queues, one per declaration, the KMS key
 * of secret settings, the domain-events bus with its replay archive, and the EventBridge
 * rules that feed the queues (beside them: a rule's target writes its queue's policy). Kept apart from the stateless App stack so that redeploying or even
 * deleting the functions, the API and the edge can never replace a table, drop a queued
 * message or lose the key that stored secrets can only be opened with.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  eventRules,
  type KeyAttribute,
  type QueueDeclaration,
  type QueueName,
  queues,
  SERVICE_NAME,
  type TableDeclaration,
  type TableName,
  tables,
} from '../definition';
import { QUEUE_MAX_MESSAGE_BYTES } from '../definition/queues';
import { createDomainEventBus, type DomainEventBus } from './domain-events';
import { addEventRules } from './event-rules';
import { physicalDlqName, physicalQueueName, physicalTableName, settingsKeyAlias } from './physical-names';
import type { StageSettings } from './stage';
import { createStepTimerResources, type StepTimerResources } from './step-timers';

/** A work queue and the dead-letter queue its poison messages end in. */
export interface QueuePair {
  readonly queue: Queue;
  readonly dlq: Queue;
}

export interface DataStackProps extends StackProps {
  readonly settings: StageSettings;
}

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export class DataStack extends Stack {
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly queues: Readonly<Record<QueueName, QueuePair>>;
  /** Wraps the data keys of secret workspace settings (functions that declare `encryptsSecrets`). */
  readonly settingsKey: Key;
  /** Where domain events go; its archive keeps them for replay (lib/cdk/domain-events.ts). */
  readonly domainEvents: DomainEventBus;
  /** One rule per `eventRules` declaration, by name (lib/cdk/event-rules.ts). */
  readonly eventRules: ReadonlyMap<string, Rule>;
  /** Campaign step timers: the schedule group and the role Scheduler delivers with (lib/cdk/step-timers.ts). */
  readonly stepTimers: StepTimerResources;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.settingsKey = this.secretSettingsKey(settings);
    this.tables = Object.fromEntries(tables.map((t) => [t.name, this.table(t, settings)])) as Record<TableName, Table>;
    this.queues = Object.fromEntries(queues.map((q) => [q.name, this.queuePair(q, settings)])) as Record<
      QueueName,
      QueuePair
    >;
    this.domainEvents = createDomainEventBus(this, settings);
    this.eventRules = addEventRules(this, eventRules, {
      stage: settings.stage,
      queues: this.queues,
      domainEvents: this.domainEvents.bus,
    });
    this.stepTimers = createStepTimerResources(this, settings, this.queues);
  }

  private table(declaration: TableDeclaration, settings: StageSettings): Table {
    const table = new Table(this, `${declaration.name}-table`, {
      tableName: physicalTableName(settings.stage, declaration.name),
      partitionKey: attribute(declaration.partitionKey),
      sortKey: declaration.sortKey ? attribute(declaration.sortKey) : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: declaration.ttlAttribute,
      removalPolicy: settings.removalPolicy,
      deletionProtection: settings.deletionProtection,
    });
    for (const index of declaration.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
      });
    }
    return table;
  }

  /**
   * One customer-managed key per stage. Stateful like a table: every stored secret setting
   * holds a data key wrapped by it, so losing the key loses those secrets. Hence RETAIN in
   * prod, and in dev DESTROY with the shortest pending window KMS allows (7 days, during
   * which a deletion can still be cancelled). Yearly automatic rotation keeps the old key
   * material, so existing envelopes still decrypt. The key policy is CDK's default: the
   * account may delegate use to IAM, and only the roles granted in the App stack do.
   */
  private secretSettingsKey(settings: StageSettings): Key {
    const key = new Key(this, 'settings-key', {
      description: `${SERVICE_NAME} ${settings.stage}: wraps the data keys of secret workspace settings`,
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
      pendingWindow: Duration.days(settings.keyPendingWindowDays),
    });
    // The alias follows the key's removal policy: a retained key keeps its name, so a
    // redeployed stack fails on the taken alias instead of silently starting a new key
    // that cannot open the secrets stored so far (as with the tables' fixed names).
    new Alias(this, 'settings-key-alias', {
      aliasName: settingsKeyAlias(settings.stage),
      targetKey: key,
      removalPolicy: settings.removalPolicy,
    });
    return key;
  }

  private queuePair(declaration: QueueDeclaration, settings: StageSettings): QueuePair {
    const common = {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: settings.removalPolicy,
      maxMessageSizeBytes: QUEUE_MAX_MESSAGE_BYTES,
    };
    const dlq = new Queue(this, `${declaration.name}-dlq`, {
      ...common,
      queueName: physicalDlqName(settings.stage, declaration.name),
      retentionPeriod: Duration.days(declaration.dlqRetentionDays),
    });
    const queue = new Queue(this, `${declaration.name}-queue`, {
      ...common,
      queueName: physicalQueueName(settings.stage, declaration.name),
      retentionPeriod: Duration.days(declaration.retentionDays),
      visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: dlq, maxReceiveCount: declaration.maxReceiveCount },
    });
    return { queue, dlq };
  }
}
