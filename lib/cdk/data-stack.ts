/**
 * The stateful half: DynamoDB tables and SQS queues, one per declaration. Kept apart from
 * the stateless App stack so that redeploying or even deleting the functions, the API and
 * the edge can never replace a table or drop a queued message.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type KeyAttribute,
  type QueueDeclaration,
  type QueueName,
  queues,
  type TableDeclaration,
  type TableName,
  tables,
} from '../definition';
import { physicalDlqName, physicalQueueName, physicalTableName } from './physical-names';
import type { StageSettings } from './stage';

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

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.tables = Object.fromEntries(tables.map((t) => [t.name, this.table(t, settings)])) as Record<TableName, Table>;
    this.queues = Object.fromEntries(queues.map((q) => [q.name, this.queuePair(q, settings)])) as Record<
      QueueName,
      QueuePair
    >;
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

  private queuePair(declaration: QueueDeclaration, settings: StageSettings): QueuePair {
    const common = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: settings.removalPolicy };
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
