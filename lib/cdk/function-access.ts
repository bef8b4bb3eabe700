/**
 * Turns a function declaration's `tables`, `queues`, `ses`, `encryptsSecrets`,
 * `publishesEvents`, `startsStateMachine`, `setsStepTimers` and `readsProviderSecrets` into IAM grants, event sources and environment variables. Each
 * function is granted exactly what it declares (plus, for HTTP functions, what the shared
 * HTTP edge needs: see `tableGrants`), through the resources' own grant methods, never a
 * wildcard action.
 */
import { ArnFormat, Fn, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import {
  eventRules,
  type QueueName,
  queues as queueDeclarations,
  queueEnvName,
  type TableAccess,
  type TableName,
  tables as tableDeclarations,
  tableEnvName,
  tableGrants,
} from '../definition';
import type { QueuePair } from './data-stack';
import { EVENT_BUS_ENV } from './domain-events';
import { type EmailSending, sesConfigurationSetName } from './email-sending';
import type { HouseFunction } from './house-function';
import { grantProviderSecrets } from './provider-secrets';
import type { Stage } from './stage';
import { grantStepTimers, type StepTimerReference } from './step-timers';
import { indexWildcardFinding } from './table-references';

export interface AccessTargets {
  /** Names the provider credential secrets (`unite-hub/<stage>/<name>`). */
  readonly stage: Stage;
  readonly tables: Readonly<Record<TableName, ITable>>;
  readonly queues: Readonly<Record<QueueName, QueuePair>>;
  readonly email: EmailSending;
  /** The key an `encryptsSecrets` function wraps secret settings' data keys with. */
  readonly settingsKey?: IKey;
  /** The workflow a `startsStateMachine` function may start. */
  readonly stateMachine?: IStateMachine;
  /** The bus a `publishesEvents` function may put events on. */
  readonly eventBus?: IEventBus;
  /** The schedule group and role a `setsStepTimers` function creates its schedules with. */
  readonly stepTimers?: StepTimerReference;
}

/** Environment variable with the settings key's ARN (shared/adapters/secret-box-config.ts). */
export const SETTINGS_KEY_ENV = 'SETTINGS_KMS_KEY_ID';

/**
 * Envelope encryption needs exactly these two: GenerateDataKey for a fresh data key per
 * sealed value (returned in plaintext and wrapped), Decrypt to unwrap it when opening.
 * Not Encrypt (the app never sends plaintext to KMS) nor ReEncrypt, DescribeKey or any admin action.
 */
export const SETTINGS_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

const entries = <K extends string, V>(record: Readonly<Partial<Record<K, V>>>) => Object.entries(record) as [K, V][];

/**
 * Grants one declared table access to a role. `append` is PutItem alone and `describe` is
 * DescribeTable alone: the grant methods have no such narrow variants.
 */
export function grantTableAccess(role: Role, name: TableName, table: ITable, access: TableAccess): void {
  const only = (action: string) =>
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [action], resources: [table.tableArn] }));
  switch (access) {
    case 'read':
      table.grantReadData(role);
      acknowledgeIndexes(role, name, table);
      return;
    case 'readWrite':
      table.grantReadWriteData(role);
      acknowledgeIndexes(role, name, table);
      return;
    case 'append':
      // Append-only (the audit log): a put can create a record but never alter or remove one.
      only('dynamodb:PutItem');
      return;
    case 'describe':
      only('dynamodb:DescribeTable');
      return;
  }
}

function acknowledgeIndexes(role: Role, name: TableName, table: ITable): void {
  if (!tableDeclarations.some((t) => t.name === name && t.globalIndexes.length > 0)) return;
  Validations.of(role).acknowledge({
    id: indexWildcardFinding(role, table),
    reason:
      'The wildcard is the index name under this one table (`<table>/index/*`), added by grantReadData/grantReadWriteData so Query works on its declared GSIs; no other table is reachable.',
  });
}

/** Grants, event sources and environment for one function, from its declaration. */
export function applyDeclaredAccess(fn: HouseFunction, targets: AccessTargets): void {
  const { declaration } = fn;

  // A table may come twice (e.g. `describe` declared, `append` for the edge's alerts):
  // each access is granted, the table's variable is set once.
  const grants = tableGrants(declaration);
  for (const { table, access } of grants) grantTableAccess(fn.role, table, targets.tables[table], access);
  for (const table of new Set(grants.map((g) => g.table))) {
    fn.addEnvironment(tableEnvName(table), targets.tables[table].tableName);
  }

  for (const [name, access] of entries(declaration.queues)) {
    const { queue } = targets.queues[name];
    if (access === 'send') queue.grantSendMessages(fn.role);
    else queue.grant(fn.role, 'sqs:GetQueueAttributes');
    fn.addEnvironment(queueEnvName(name), queue.queueUrl);
  }

  for (const consumed of queueDeclarations.filter((q) => q.consumer === declaration.name)) {
    // On the alias, so a canary shifts queue traffic the same way it shifts HTTP traffic.
    fn.alias.addEventSource(
      new SqsEventSource(targets.queues[consumed.name].queue, {
        batchSize: consumed.batchSize,
        reportBatchItemFailures: true,
        ...(consumed.maxConcurrency ? { maxConcurrency: consumed.maxConcurrency } : {}),
      }),
    );
    // The consumer of a stage-scoped rule's queue checks each event's scope too (defence in depth:
    // shared/email/provider-events.ts drops another stage's), so it is told its stage's scope.
    if (eventRules.some((r) => r.targetQueue === consumed.name && r.stageScope === 'ses-configuration-set')) {
      fn.addEnvironment(SES_CONFIGURATION_SET_ENV, sesConfigurationSetName(targets.stage));
    }
  }

  if (declaration.ses) grantEmail(fn, targets.email, declaration.ses);
  if (declaration.readsSendQuota && declaration.ses !== 'describe') grantAccountRead(fn, 'SesSendQuotaRead');

  grantProviderSecrets(fn, targets.stage);

  if (declaration.encryptsSecrets) {
    if (!targets.settingsKey) throw new Error(`${declaration.name} encrypts secrets, but no settings key was given`);
    // Same account: a statement on the function's role naming this key's ARN (the key
    // policy already lets the account delegate through IAM).
    targets.settingsKey.grant(fn, ...SETTINGS_KEY_ACTIONS);
    fn.addEnvironment(SETTINGS_KEY_ENV, targets.settingsKey.keyArn);
  }

  if (declaration.publishesEvents) {
    if (!targets.eventBus) throw new Error(`${declaration.name} publishes events, but no event bus was given`);
    // events:PutEvents on this one bus's ARN, nothing else.
    targets.eventBus.grantPutEventsTo(fn.role);
    fn.addEnvironment(EVENT_BUS_ENV, targets.eventBus.eventBusName);
  }

  if (declaration.setsStepTimers) {
    if (!targets.stepTimers) throw new Error(`${declaration.name} sets step timers, but no schedule group was given`);
    grantStepTimers(fn, targets.stepTimers);
  }

  if (declaration.startsStateMachine) {
    if (!targets.stateMachine) throw new Error(`${declaration.name} starts a state machine, but none is declared`);
    targets.stateMachine.grantStartExecution(fn.role);
    grantDescribeExecutions(fn, targets.stateMachine);
    fn.addEnvironment('STATE_MACHINE_ARN', targets.stateMachine.stateMachineArn);
  }
}

/**
 * states:DescribeExecution on the machine's own executions: a launch that went silent is read back
 * (readLaunch), so one whose execution ended without recording why does not read running for good.
 */
function grantDescribeExecutions(fn: HouseFunction, machine: IStateMachine): void {
  const stack = Stack.of(fn);
  // arn:...:stateMachine:<name> -> arn:...:execution:<name>:<execution name>
  const machineName = Fn.select(6, Fn.split(':', machine.stateMachineArn));
  const executions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const policy = new Policy(fn, 'ReadsExecutions', {
    roles: [fn.role],
    statements: [new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] })],
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(executions))}]`,
    reason:
      'Execution names are launch ids made at run time; the wildcard is the execution name within the one state machine this function starts.',
  });
}

/** The stage's SES configuration set (shared/config.ts). */
export const SES_CONFIGURATION_SET_ENV = 'SES_CONFIGURATION_SET';

function grantEmail(fn: HouseFunction, email: EmailSending, access: 'send' | 'describe'): void {
  fn.addEnvironment(SES_CONFIGURATION_SET_ENV, email.configurationSet.configurationSetName);
  fn.addEnvironment('SES_FROM_ADDRESS', email.fromAddress);
  if (access === 'send') {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: email.sendResourceArns }),
    );
    return;
  }
  grantAccountRead(fn, 'SesAccountRead');
}

/** ses:GetAccount (the health probe; the sender's send quota), in a policy of its own. */
function grantAccountRead(fn: HouseFunction, id: string): void {
  // A policy of its own, so the acknowledgement below covers this statement and nothing else.
  const policy = new Policy(fn, id, {
    roles: [fn.role],
    statements: [new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] })],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "ses:GetAccount reads account-level sending status and supports no resource-level permissions (IAM service authorization reference); it is the health check's SES probe and the sender's send quota (pacing).",
  });
}
