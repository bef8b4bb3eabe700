import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { EVENT_BUS_ENV } from '../../lib/cdk/domain-events';
import { grantTableAccess, SETTINGS_KEY_ENV } from '../../lib/cdk/function-access';
import { physicalEventBusName, physicalTableName, providerSecretName } from '../../lib/cdk/physical-names';
import { providerSecretArn } from '../../lib/cdk/provider-secrets';
import {
  referenceStepTimers,
  STEP_TIMER_ACTIONS,
  STEP_TIMER_ENV,
  stepScheduleGroupName,
  stepSchedulerRoleName,
} from '../../lib/cdk/step-timers';
import { referenceTables } from '../../lib/cdk/table-references';
import { TRACKING_KEY_SECRET_ID_ENV } from '../../lib/cdk/tracking-key';
import {
  eventRules,
  type FunctionDeclaration,
  functionNamed,
  functions,
  type ProviderSecretName,
  providerSecretIdEnvName,
  providerSecretVariables,
  queueEnvName,
  queues,
  routes,
  type TableName,
  tableEnvName,
  tableGrants,
  tables,
} from '../../lib/definition';
import { resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');
const templates = [dev.dataTemplate, dev.appTemplate];
const prefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
}
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every policy document in a template (IAM, queue and bucket policies). */
function allStatements(template: Template): Statement[] {
  const documents: unknown[] = [];
  for (const [, resource] of Object.entries(template.toJSON().Resources as Record<string, { Properties?: object }>)) {
    const props = resource.Properties as Record<string, unknown> | undefined;
    if (props?.PolicyDocument) documents.push(props.PolicyDocument);
    for (const inline of (props?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      documents.push(inline.PolicyDocument);
    }
  }
  return documents.flatMap((doc) => (doc as { Statement: Statement[] }).Statement);
}

/** Statements of the policies attached to one function's role. */
function functionStatements(template: Template, name: string): Statement[] {
  const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) =>
    id.startsWith(`${prefix(name)}Role`),
  );
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => statementsOf(policy));
}

const statementsOf = (policy: { Properties?: Record<string, unknown> }): Statement[] =>
  (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];

const tableArnEnd = (table: TableName) => `:table/${physicalTableName('dev', table)}"`;

const tablesNamedIn = (statements: Statement[]) =>
  tables.filter((t) => JSON.stringify(statements).includes(tableArnEnd(t.name))).map((t) => t.name);

/** Actions allowed on one table itself (its index ARNs aside). */
const actionsOn = (statements: Statement[], table: TableName): string[] =>
  statements
    .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource ?? '').includes(tableArnEnd(table)))
    .flatMap((s) => list(s.Action));

/** The tables a function is granted: its declaration plus, for HTTP functions, the edge's. */
const grantedTables = (fn: FunctionDeclaration): TableName[] =>
  [...new Set(tableGrants(fn).map((g) => g.table))].sort();
const httpFunctions = functions.filter((fn) => fn.kind === 'http');

const FORBIDDEN_ON_AUDIT = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:UpdateTable',
  'dynamodb:DeleteTable',
];

describe('least privilege', () => {
  it('allows no wildcard action in any policy of either stack', () => {
    const wildcards = templates
      .flatMap(allStatements)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list(s.Action))
      .filter((action) => action.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it('never lets anything update, delete or batch-write the audit table', () => {
    const onAudit = allStatements(dev.appTemplate).filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Resource ?? '').includes(physicalTableName('dev', 'audit')),
    );
    expect(onAudit.flatMap((s) => list(s.Action)).filter((a) => FORBIDDEN_ON_AUDIT.includes(a))).toEqual([]);
  });

  it('turns `append` into PutItem on that one table and nothing else', () => {
    // Prepare
    const stack = new Stack();
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const audit = referenceTables(stack, 'dev').audit;
    // Act
    grantTableAccess(role, 'audit', audit, 'append');
    // Assess
    const statements = resourcesOfType(Template.fromStack(stack), 'AWS::IAM::Policy').flatMap(([, policy]) =>
      statementsOf(policy),
    );
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: stack.resolve(audit.tableArn) },
    ]);
  });

  it.each(functions)('$name is granted only the tables it declares (plus the HTTP edge’s)', (fn) => {
    expect(tablesNamedIn(functionStatements(dev.appTemplate, fn.name)).sort()).toEqual(grantedTables(fn));
  });

  it('gives the HTTP edge grants to HTTP functions only', () => {
    // Prepare: what a function would be granted without the edge.
    const declaredOnly = (fn: FunctionDeclaration) => Object.keys(fn.tables).sort();
    // Assess
    expect(httpFunctions.length).toBeGreaterThan(0);
    for (const fn of functions.filter((f) => f.kind !== 'http')) expect(grantedTables(fn)).toEqual(declaredOnly(fn));
  });

  it.each(httpFunctions)('$name may put security alerts on core and count rate limits on ephemeral', (fn) => {
    const statements = functionStatements(dev.appTemplate, fn.name);
    expect(actionsOn(statements, 'core')).toContain('dynamodb:PutItem');
    expect(actionsOn(statements, 'ephemeral')).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
  });

  it('adds the edge’s grants on top of a narrower declaration, and only PutItem on an undeclared audit', () => {
    // Prepare: `system` declares core: describe and no audit table.
    expect(functionNamed('system').tables).toEqual({ core: 'describe' });
    const statements = functionStatements(dev.appTemplate, 'system');
    // Assess: describe as declared, the edge's readWrite on core, append on audit.
    expect(actionsOn(statements, 'core')).toEqual(
      expect.arrayContaining(['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:UpdateItem']),
    );
    expect(actionsOn(statements, 'audit')).toEqual(['dynamodb:PutItem']);
  });

  it.each(functions)('$name receives exactly its granted tables, queues, email and workflow', (fn) => {
    // Prepare
    const variables = Object.values(dev.appTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === fn.description,
    )?.Properties.Environment.Variables as Record<string, unknown>;
    const names = Object.keys(variables);
    // Assess
    expect(names.filter((n) => n.startsWith('TABLE_')).sort()).toEqual(grantedTables(fn).map(tableEnvName).sort());
    expect(names.filter((n) => n.startsWith('QUEUE_')).sort()).toEqual(Object.keys(fn.queues).map(queueEnvName).sort());
    expect(names.includes('STATE_MACHINE_ARN')).toBe(fn.startsStateMachine === true);
    // The consumer of the stage-scoped ses-events rule's queue is told its stage's set too, to drop another stage's events.
    const readsScopedEvents = eventRules.some(
      (r) =>
        r.stageScope === 'ses-configuration-set' &&
        queues.some((q) => q.name === r.targetQueue && q.consumer === fn.name),
    );
    expect(names.includes('SES_CONFIGURATION_SET')).toBe(fn.ses !== undefined || readsScopedEvents);
    expect(names.includes(SETTINGS_KEY_ENV)).toBe(fn.encryptsSecrets === true);
  });

  it.each(functions)('$name may send email or read the SES account only as declared', (fn) => {
    // Includes the separate SesAccountRead policy, which is attached to the same role.
    const actions = functionStatements(dev.appTemplate, fn.name).flatMap((s) => list(s.Action));
    expect(actions.includes('ses:SendEmail')).toBe(fn.ses === 'send');
    expect(actions.includes('ses:GetAccount')).toBe(fn.ses === 'describe' || fn.readsSendQuota === true);
  });
});

describe('identity, security and workspaces', () => {
  it.each(['identity', 'workspaces'] as const)('%s sends email and may only append to the audit log', (name) => {
    const statements = functionStatements(dev.appTemplate, name);
    expect(functionNamed(name).ses).toBe('send');
    expect(statements.flatMap((s) => list(s.Action))).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'ses:SendRawEmail']),
    );
    expect(actionsOn(statements, 'audit')).toEqual(['dynamodb:PutItem']);
  });

  it('security reads the audit log (its index too) and appends through the edge, nothing more', () => {
    // Prepare
    const statements = functionStatements(dev.appTemplate, 'security');
    const onAudit = actionsOn(statements, 'audit');
    // Assess
    expect(onAudit).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']));
    expect(onAudit.filter((a) => FORBIDDEN_ON_AUDIT.includes(a))).toEqual([]);
    expect(JSON.stringify(statements)).toContain(`:table/${physicalTableName('dev', 'audit')}/index/*"`);
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('ses:'))).toEqual([]);
  });
});

describe('settings key', () => {
  const keyArn = dev.application.resolve(dev.data.settingsKey.keyArn);
  const kmsStatements = (name: string) =>
    functionStatements(dev.appTemplate, name).filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));

  it('is used by exactly one function: security', () => {
    expect(functions.filter((fn) => fn.encryptsSecrets).map((fn) => fn.name)).toEqual(['security']);
  });

  it.each(functions)('$name may GenerateDataKey and Decrypt on the settings key only if it encrypts secrets', (fn) => {
    const statements = kmsStatements(fn.name);
    if (!fn.encryptsSecrets) {
      expect(statements).toEqual([]);
      return;
    }
    expect(statements).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn }]);
  });

  it.each(functions)('$name gets SETTINGS_KMS_KEY_ID (the key ARN) only if it encrypts secrets', (fn) => {
    const variables = Object.values(dev.appTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === fn.description,
    )?.Properties.Environment.Variables as Record<string, unknown>;
    if (fn.encryptsSecrets) expect(variables[SETTINGS_KEY_ENV]).toEqual(keyArn);
    else expect(variables).not.toHaveProperty(SETTINGS_KEY_ENV);
  });

  it('names the Data stack’s key, read from its outputs rather than written into the template', () => {
    // Act: the App stack reads the ARN from an output of the Data stack.
    const json = JSON.stringify(keyArn);
    // Assess
    expect(json).toMatch(/Fn::GetStackOutput|Fn::ImportValue/);
    expect(json).toContain('settingskey');
  });

  it('lets only the account delegate through IAM in the key policy (no service or other principal)', () => {
    const keys = resourcesOfType(dev.dataTemplate, 'AWS::KMS::Key');
    const policy = keys[0]?.[1].Properties?.KeyPolicy as { Statement: (Statement & { Principal: unknown })[] };
    expect(keys).toHaveLength(1);
    expect(policy.Statement).toHaveLength(1);
    expect(JSON.stringify(policy.Statement[0]?.Principal)).toMatch(/^\{"AWS":\{"Fn::Join".*":root"\]\]\}\}$/);
  });
});

describe('domain-events bus', () => {
  const busArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':events:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:event-bus/${physicalEventBusName('dev')}`,
      ],
    ],
  };
  const eventStatements = (name: string) =>
    functionStatements(dev.appTemplate, name).filter((s) => list(s.Action).some((a) => a.startsWith('events:')));
  const variablesOf = (fn: FunctionDeclaration) =>
    Object.values(dev.appTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === fn.description,
    )?.Properties.Environment.Variables as Record<string, unknown>;

  it('has publishers: contacts, score-recompute-worker, drip-step-worker (adjust-score), campaign-sweeper (contact events no write published), ai-call-worker (contact intelligence), emails and email-events (unsubscribes, bounces are scored)', () => {
    expect(functions.filter((fn) => fn.publishesEvents).map((fn) => fn.name)).toEqual([
      'contacts',
      'score-recompute-worker',
      'drip-step-worker',
      'campaign-sweeper',
      'ai-call-worker',
      'emails',
      'email-events',
    ]);
  });

  it.each(functions)('$name gets the tracking secret’s ARN (never its value) only if it seals link tokens', (fn) => {
    const variables = variablesOf(fn) ?? {};
    expect(variables).not.toHaveProperty('TRACKING_KEY');
    const value = variables[TRACKING_KEY_SECRET_ID_ENV];
    if (fn.sealsLinkTokens) expect(JSON.stringify(value)).toMatch(/TrackingKeySecret1/);
    else expect(value).toBeUndefined();
  });

  it.each(functions)('$name may PutEvents on the domain-events bus, and nothing else, only if it publishes', (fn) => {
    expect(eventStatements(fn.name)).toEqual(
      fn.publishesEvents ? [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] : [],
    );
  });

  it.each(functions)('$name gets EVENT_BUS_NAME (the bus name) only if it publishes', (fn) => {
    if (fn.publishesEvents) expect(variablesOf(fn)[EVENT_BUS_ENV]).toBe(physicalEventBusName('dev'));
    else expect(variablesOf(fn)).not.toHaveProperty(EVENT_BUS_ENV);
  });

  it('grants no events action on a wildcard resource, anywhere in either stack', () => {
    const onEvents = templates
      .flatMap(allStatements)
      .filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('events:')));
    expect(onEvents.length).toBeGreaterThan(0);
    for (const statement of onEvents) {
      expect(list(statement.Action)).toEqual(['events:PutEvents']);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });

  it('names the bus by its ARN, pinning no export of the Data stack', () => {
    const json = JSON.stringify(eventStatements('contacts'));
    expect(json).not.toMatch(/Fn::GetStackOutput|Fn::ImportValue/);
  });
});

describe('provider credentials (Resend, SMTP, Resend webhook)', () => {
  const secretNames = Object.keys(providerSecretVariables) as ProviderSecretName[];
  const arnOf = (secret: ProviderSecretName) =>
    dev.application.resolve(providerSecretArn(dev.application, 'dev', secret));
  const originSecretRef = () => ({
    Ref: Object.keys(dev.appTemplate.findResources('AWS::SecretsManager::Secret')).find((id) =>
      id.startsWith('OriginVerification'),
    ),
  });
  const originAndProviderSecretStatements = (name: string) =>
    functionStatements(dev.appTemplate, name).filter((s) =>
      list(s.Action).some((a) => a.startsWith('secretsmanager:')),
    );
  const isTrackingSecret = (resource: unknown) => /TrackingKeySecret1/.test(JSON.stringify(resource));
  /** The provider-credential statements: the origin secret's grant (HTTP functions) and the tracking secret's left out. */
  const secretStatements = (name: string) =>
    originAndProviderSecretStatements(name)
      .map((s) => {
        const resources = list(s.Resource).filter(
          (r) => JSON.stringify(r) !== JSON.stringify(originSecretRef()) && !isTrackingSecret(r),
        );
        return { ...s, Resource: resources.length === 1 ? resources[0] : resources };
      })
      .filter((s) => list(s.Resource).length > 0);
  const variablesOf = (fn: FunctionDeclaration) =>
    Object.values(dev.appTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === fn.description,
    )?.Properties.Environment.Variables as Record<string, unknown>;

  it('are read by the email-sender (Resend key, SMTP URL), the Resend webhook’s function and the AI functions (AI keys), no other', () => {
    const readers = functions
      .filter((fn) => (fn.readsProviderSecrets ?? []).length > 0)
      .map((fn) => [fn.name, fn.readsProviderSecrets]);
    expect(readers).toEqual([
      ['ai-call-worker', ['anthropic-api-key', 'openrouter-api-key']],
      ['ai', ['anthropic-api-key', 'openrouter-api-key']],
      ['email-sender', ['resend-api-key', 'smtp-url']],
      ['email-sending', ['resend-webhook-secret']],
    ]);
    expect(routes.find((r) => r.path === '/api/hooks/resend')?.function).toBe('email-sending');
  });

  it.each(functions)('$name may GetSecretValue on exactly the credentials it declares, nothing else', (fn) => {
    const declared = fn.readsProviderSecrets ?? [];
    expect(secretStatements(fn.name)).toEqual(
      declared.length === 0
        ? []
        : [
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: declared.length === 1 ? arnOf(declared[0] as ProviderSecretName) : declared.map(arnOf),
            },
          ],
    );
  });

  it.each(functions)('$name may GetSecretValue on the tracking secret only if it seals link tokens', (fn) => {
    // Per grant of the tracking secret, the action it comes with (a statement may list other secrets too).
    const onTracking = originAndProviderSecretStatements(fn.name).flatMap((s) =>
      list(s.Resource)
        .filter(isTrackingSecret)
        .map(() => s.Action),
    );
    expect(onTracking).toEqual(fn.sealsLinkTokens ? ['secretsmanager:GetSecretValue'] : []);
    if (fn.sealsLinkTokens)
      expect(JSON.stringify(variablesOf(fn)[TRACKING_KEY_SECRET_ID_ENV])).toMatch(/TrackingKeySecret1/);
    else expect(variablesOf(fn)).not.toHaveProperty(TRACKING_KEY_SECRET_ID_ENV);
  });

  it('matches each secret by its name and Secrets Manager’s six-character suffix, no `*`', () => {
    const arn = JSON.stringify(arnOf('resend-api-key'));
    expect(arn).toContain(`:secret:${providerSecretName('dev', 'resend-api-key')}-??????"`);
    expect(arn).not.toContain('*');
  });

  it.each(functions)('$name gets the secret ids it reads, and never a credential’s value, in its environment', (fn) => {
    const variables = variablesOf(fn);
    for (const secret of secretNames) {
      expect(variables, secret).not.toHaveProperty(providerSecretVariables[secret]);
      if (fn.readsProviderSecrets?.includes(secret)) {
        expect(variables[providerSecretIdEnvName(secret)]).toBe(providerSecretName('dev', secret));
      } else expect(variables).not.toHaveProperty(providerSecretIdEnvName(secret));
    }
  });

  it('grants no other secretsmanager action to any function, and no secretsmanager access on a `*` resource', () => {
    const statements = functions.flatMap((fn) => originAndProviderSecretStatements(fn.name));
    expect(new Set(statements.flatMap((s) => list(s.Action)))).toEqual(new Set(['secretsmanager:GetSecretValue']));
    for (const statement of statements) expect(JSON.stringify(statement.Resource)).not.toMatch(/[:/]\*"/);
  });

  it.each(functions)(
    '$name may read the origin secret (its ARN in ORIGIN_VERIFY_SECRET_ARN) only if it serves HTTP',
    (fn) => {
      const originSecret = originSecretRef();
      const onOrigin = originAndProviderSecretStatements(fn.name).filter((s) =>
        list(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(originSecret)),
      );
      expect(onOrigin.flatMap((s) => list(s.Action))).toEqual(
        fn.kind === 'http' ? ['secretsmanager:GetSecretValue'] : [],
      );
      if (fn.kind === 'http') expect(variablesOf(fn).ORIGIN_VERIFY_SECRET_ARN).toEqual(originSecret);
      else expect(variablesOf(fn)).not.toHaveProperty('ORIGIN_VERIFY_SECRET_ARN');
    },
  );
});

describe('campaign step timers (EventBridge Scheduler)', () => {
  const timers = referenceStepTimers(dev.application, 'dev', dev.data.queues['drip-steps'].queue);
  const schedulesArn = dev.application.resolve(timers.schedulesArn);
  const roleArn = dev.application.resolve(timers.roleArn);
  const timerStatements = (name: string) =>
    functionStatements(dev.appTemplate, name).filter((s) =>
      list(s.Action).some((a) => a.startsWith('scheduler:') || a === 'iam:PassRole'),
    );
  const variablesOf = (fn: FunctionDeclaration) =>
    Object.values(dev.appTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === fn.description,
    )?.Properties.Environment.Variables as Record<string, unknown>;

  it('are set by exactly one function: drip-step-worker', () => {
    expect(functions.filter((fn) => fn.setsStepTimers).map((fn) => fn.name)).toEqual(['drip-step-worker']);
  });

  it.each(functions)(
    '$name may create schedules in the campaign-steps group and pass its role only if it sets timers',
    (fn) => {
      expect(timerStatements(fn.name)).toEqual(
        fn.setsStepTimers
          ? [
              { Effect: 'Allow', Action: [...STEP_TIMER_ACTIONS], Resource: schedulesArn },
              {
                Effect: 'Allow',
                Action: 'iam:PassRole',
                Resource: roleArn,
                Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
              },
            ]
          : [],
      );
    },
  );

  it('scopes the schedules to the one group, and the role to its fixed name, no other wildcard', () => {
    expect(JSON.stringify(schedulesArn)).toContain(`:schedule/${stepScheduleGroupName('dev')}/*"`);
    expect(JSON.stringify(roleArn)).toContain(`:role/${stepSchedulerRoleName('dev')}"`);
    const onScheduler = templates
      .flatMap(allStatements)
      .filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('scheduler:')));
    expect(onScheduler.map((s) => s.Resource)).toEqual([schedulesArn]);
    const passRole = templates
      .flatMap(allStatements)
      .filter((s) => s.Effect === 'Allow' && list(s.Action).includes('iam:PassRole'));
    expect(passRole.map((s) => s.Resource)).toEqual([roleArn]);
  });

  it.each(functions)('$name gets the group, role and drip-steps queue ARN only if it sets timers', (fn) => {
    const variables = variablesOf(fn);
    if (!fn.setsStepTimers) {
      for (const name of Object.values(STEP_TIMER_ENV)) expect(variables).not.toHaveProperty(name);
      return;
    }
    expect(variables[STEP_TIMER_ENV.group]).toBe(stepScheduleGroupName('dev'));
    expect(variables[STEP_TIMER_ENV.roleArn]).toEqual(roleArn);
    expect(JSON.stringify(variables[STEP_TIMER_ENV.queueArn])).toMatch(/dripsteps/i);
  });
});
