import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  eventArchiveName,
  physicalDlqName,
  physicalEventBusName,
  physicalQueueName,
  physicalTableName,
  settingsKeyAlias,
} from '../../lib/cdk/physical-names';
import { eventRules, queues, tables } from '../../lib/definition';
import { resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');
const prod = synthesize('prod');
const DAY = 24 * 60 * 60;

describe('DynamoDB tables', () => {
  it.each(tables)('$name is on-demand, point-in-time recoverable, encrypted, keyed as declared', (table) => {
    // Prepare
    const keySchema = [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' }] : []),
    ];
    // Assess
    dev.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: physicalTableName('dev', table.name),
      KeySchema: keySchema,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: table.ttlAttribute
        ? { AttributeName: table.ttlAttribute, Enabled: true }
        : Match.absent(),
      GlobalSecondaryIndexes:
        table.globalIndexes.length > 0
          ? table.globalIndexes.map((index) => Match.objectLike({ IndexName: index.name }))
          : Match.absent(),
    });
  });

  it('creates exactly the declared tables', () => {
    // Act
    const names = resourcesOfType(dev.dataTemplate, 'AWS::DynamoDB::Table').map(([, r]) => r.Properties?.TableName);
    // Assess
    expect(names.sort()).toEqual(tables.map((t) => physicalTableName('dev', t.name)).sort());
  });

  it('keeps prod tables when the stack goes away, and protects them from deletion', () => {
    const prodTables = resourcesOfType(prod.dataTemplate, 'AWS::DynamoDB::Table');
    expect(prodTables).toHaveLength(tables.length);
    for (const [, table] of prodTables) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('lets dev tables be torn down with the stack', () => {
    for (const [, table] of resourcesOfType(dev.dataTemplate, 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(false);
    }
  });
});

describe('SQS queues', () => {
  it('creates one work queue and one dead-letter queue per declaration', () => {
    dev.dataTemplate.resourceCountIs('AWS::SQS::Queue', queues.length * 2);
  });

  it.each(queues)('$name redrives to its DLQ after maxReceiveCount, with declared timeouts', (queue) => {
    // Prepare
    const dlqId = Object.keys(
      dev.dataTemplate.findResources('AWS::SQS::Queue', {
        Properties: { QueueName: physicalDlqName('dev', queue.name) },
      }),
    )[0];
    // Assess
    expect(dlqId).toBeDefined();
    dev.dataTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: physicalDlqName('dev', queue.name),
      MessageRetentionPeriod: queue.dlqRetentionDays * DAY,
      SqsManagedSseEnabled: true,
    });
    dev.dataTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: physicalQueueName('dev', queue.name),
      VisibilityTimeout: queue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: queue.retentionDays * DAY,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: queue.maxReceiveCount },
    });
  });

  it('denies every queue request that is not over TLS', () => {
    const policies = resourcesOfType(dev.dataTemplate, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(queues.length * 2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('keeps prod queues (and their messages) when the stack goes away', () => {
    for (const [, queue] of resourcesOfType(prod.dataTemplate, 'AWS::SQS::Queue')) {
      expect(queue.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('settings key (KMS)', () => {
  const keyOf = (template: typeof dev.dataTemplate) => {
    const keys = resourcesOfType(template, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    return keys[0] as (typeof keys)[number];
  };
  const aliasOf = (template: typeof dev.dataTemplate) => {
    const aliases = resourcesOfType(template, 'AWS::KMS::Alias');
    expect(aliases).toHaveLength(1);
    return aliases[0] as (typeof aliases)[number];
  };

  it.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)(
    '%s has one symmetric customer-managed key with rotation on, named by its stage alias',
    (stage, built) => {
      // Prepare
      const [keyId, key] = keyOf(built.dataTemplate);
      const [, alias] = aliasOf(built.dataTemplate);
      // Assess
      expect(key.Properties?.EnableKeyRotation).toBe(true);
      expect(key.Properties?.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
      expect(key.Properties?.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
      expect(alias.Properties).toEqual({
        AliasName: settingsKeyAlias(stage),
        TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      expect(settingsKeyAlias(stage)).toBe(`alias/unite-hub-${stage}-settings`);
    },
  );

  it('keeps the prod key and its alias when the stack goes away', () => {
    const [, key] = keyOf(prod.dataTemplate);
    const [, alias] = aliasOf(prod.dataTemplate);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
    expect(alias.DeletionPolicy).toBe('Retain');
  });

  it('schedules the dev key for deletion after 7 days when the stack goes away', () => {
    const [, key] = keyOf(dev.dataTemplate);
    expect(key.DeletionPolicy).toBe('Delete');
    expect(key.Properties?.PendingWindowInDays).toBe(7);
  });
});

describe('domain-events bus (EventBridge)', () => {
  const stages = [
    ['dev', 7, 'Delete', dev],
    ['prod', 30, 'Retain', prod],
  ] as const;

  it.each(stages)(
    '%s has one custom bus, unite-hub-<stage>-domain-events, with no resource policy',
    (stage, _days, _policy, built) => {
      const buses = resourcesOfType(built.dataTemplate, 'AWS::Events::EventBus');
      expect(buses).toHaveLength(1);
      expect(buses[0]?.[1].Properties?.Name).toBe(`unite-hub-${stage}-domain-events`);
      expect(physicalEventBusName(stage)).toBe(`unite-hub-${stage}-domain-events`);
      // Only IAM grants in this account may put events: no bus policy opens it to anyone else.
      expect(buses[0]?.[1].Properties?.Policy).toBeUndefined();
      built.dataTemplate.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    },
  );

  it.each(stages)('%s archives every event of the bus for %i days, for replay', (stage, days, _policy, built) => {
    // Prepare
    const [busId] = resourcesOfType(built.dataTemplate, 'AWS::Events::EventBus')[0] ?? [];
    const archives = resourcesOfType(built.dataTemplate, 'AWS::Events::Archive');
    // Assess
    expect(archives).toHaveLength(1);
    expect(archives[0]?.[1].Properties).toMatchObject({
      ArchiveName: eventArchiveName(stage),
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: days,
      // This account's events: everything on a bus only this account writes to.
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
    });
  });

  it.each(stages)(
    '%s: bus and archive are deleted or retained with the stack (%i days, %s)',
    (_stage, _days, policy, built) => {
      for (const type of ['AWS::Events::EventBus', 'AWS::Events::Archive']) {
        for (const [, resource] of resourcesOfType(built.dataTemplate, type))
          expect(resource.DeletionPolicy).toBe(policy);
      }
    },
  );

  it('puts a rule on the domain-events bus for each declared consumer of domain events, and no other', () => {
    const onBus = (t: typeof dev.appTemplate) =>
      resourcesOfType(t, 'AWS::Events::Rule').filter(
        ([, rule]) => rule.Properties?.EventBusName !== undefined && rule.Properties.EventBusName !== 'default',
      );
    const declared = eventRules.filter((r) => r.bus === 'domain-events');
    expect(declared.length).toBeGreaterThan(0);
    expect(onBus(dev.dataTemplate).length + onBus(dev.appTemplate).length).toBe(declared.length);
  });
});
