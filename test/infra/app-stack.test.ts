import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../lib/cdk/edge-distribution';
import { functions, queues, schedules, stateMachines } from '../../lib/definition';
import { scheduledEvent } from '../../lib/local/scheduler';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');
const prod = synthesize('prod');
const template = dev.appTemplate;
const prefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');
const aliasId = (name: string) => logicalIdAt(template, 'AWS::Lambda::Alias', `${prefix(name)}Live`);

describe('functions', () => {
  it.each(functions)('$name runs on Node.js 24, arm64, traced, with its declared size', (fn) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: fn.description,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: fn.memoryMb,
      Timeout: fn.timeoutSeconds,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalIdAt(template, 'AWS::Logs::LogGroup', `${prefix(fn.name)}Logs`) } },
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: Match.absent(),
          STAGE: 'dev',
          SERVICE_NAME: 'unite-hub',
          POWERTOOLS_SERVICE_NAME: 'unite-hub',
          LOG_LEVEL: 'DEBUG',
        }),
      },
    });
  });

  it('gives every function log group a retention: one month in dev, three in prod', () => {
    const retention = (t: typeof template) =>
      resourcesOfType(t, 'AWS::Logs::LogGroup').map(([, group]) => group.Properties?.RetentionInDays);
    expect(retention(template).every((days) => days === 30)).toBe(true);
    expect(retention(prod.appTemplate).every((days) => days === 90)).toBe(true);
  });

  it.each(functions)('$name is published through a `live` alias on its current version', (fn) => {
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: {
        'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix(fn.name)}FunctionCurrentVersion`), 'Version'],
      },
    });
  });

  it.each(functions)('$name is released by a 10% canary that rolls back on its alarms', (fn) => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) =>
      id.startsWith(`${prefix(fn.name)}Release`),
    );
    expect(alarmIds).toHaveLength(2);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AlarmConfiguration: {
        Enabled: true,
        Alarms: Match.arrayWith(alarmIds.map((id) => ({ Name: { Ref: id } }))),
      },
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_STOP_ON_ALARM']) },
    });
  });

  it('alarms on p99 duration above 80% of each timeout', () => {
    for (const fn of functions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Threshold: fn.timeoutSeconds * 1000 * 0.8,
        Dimensions: Match.arrayWith([{ Name: 'Resource', Value: Match.anyValue() }]),
      });
    }
  });

  it('rolls the queue workers back when their dead-letter queue fills', () => {
    const dlqAlarm = logicalIdAt(template, 'AWS::CloudWatch::Alarm', 'dripstepsdlqdepth');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const groups = resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup').filter(([, group]) =>
      JSON.stringify(group.Properties?.AlarmConfiguration).includes(dlqAlarm),
    );
    // drip-step-worker consumes drip-steps; the launch task, the worker, the campaigns API and the sweep send to it,
    // and so do emails and contacts (the domain events EventBridge did not take: shared/adapters/fallback-events.ts).
    expect(groups.map(([id]) => id.replace(/Release.*/, '')).sort()).toEqual([
      'campaignaudience',
      'campaigns',
      'campaignsweeper',
      'contacts',
      'dripstepworker',
      'emails',
    ]);
  });

  it.each(queues)('rolls back whoever sends to or consumes $name when its dead-letter queue fills', (queue) => {
    // Prepare
    const dlqAlarm = logicalIdAt(template, 'AWS::CloudWatch::Alarm', `${prefix(queue.name)}dlqdepth`);
    const feeders = functions
      .filter((fn) => fn.name === queue.consumer || fn.queues[queue.name] === 'send')
      .map((fn) => prefix(fn.name));
    // Act
    const groups = resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup').filter(([, group]) =>
      JSON.stringify(group.Properties?.AlarmConfiguration).includes(dlqAlarm),
    );
    // Assess
    expect(feeders).toContain(prefix(queue.consumer));
    expect(groups.map(([id]) => id.replace(/Release.*/, '')).sort()).toEqual(feeders.sort());
  });

  it('consumes each queue through the consumer alias, reporting partial batch failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', queues.length);
    for (const queue of queues) {
      // The mapping's logical id starts with its consumer's, and names the queue.
      const [id, mapping] =
        resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
          ([mappingId]) =>
            mappingId.startsWith(`${prefix(queue.consumer)}Live`) && mappingId.includes(`${prefix(queue.name)}queue`),
        ) ?? [];
      expect(id, `mapping of ${queue.name}`).toBeDefined();
      expect(mapping?.Properties).toMatchObject({
        BatchSize: queue.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FunctionName: { 'Fn::Join': ['', [expect.anything(), ':live']] },
      });
      expect(JSON.stringify(mapping?.Properties?.FunctionName)).toContain(aliasId(queue.consumer));
      // A declared concurrency bound (the email sender's) reaches the mapping; none otherwise.
      expect(
        (mapping?.Properties?.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
      ).toBe(queue.maxConcurrency);
    }
  });
});

describe('workflow, schedules, email', () => {
  it('runs each declared workflow as a logged, traced Standard state machine on task aliases', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', stateMachines.length);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      DefinitionSubstitutions: { EnrolAudiencePageFunction: { Ref: aliasId('campaign-audience') } },
    });
  });

  it('triggers each schedule on the target alias with the event shape the local scheduler sends', () => {
    template.resourceCountIs('AWS::Events::Rule', schedules.length);
    for (const schedule of schedules) {
      // Prepare
      const [, rule] =
        resourcesOfType(template, 'AWS::Events::Rule').find(
          ([, r]) => r.Properties?.ScheduleExpression === schedule.expression,
        ) ?? [];
      type Target = { Arn: unknown; InputTransformer: { InputTemplate: string } };
      const [target] = (rule?.Properties?.Targets ?? []) as Target[];
      // Act: fill the transformer's <placeholders> the way EventBridge does, with strings.
      const delivered = JSON.parse(target?.InputTransformer.InputTemplate.replace(/<[a-z-]+>/g, '"value"') ?? '{}');
      // Assess
      expect(target?.Arn).toEqual({ Ref: aliasId(schedule.target) });
      expect(delivered.detail).toEqual(schedule.detail);
      expect(Object.keys(delivered).sort()).toEqual(Object.keys(scheduledEvent(schedule, new Date())).sort());
    }
  });

  it('sends email through a per-stage configuration set that requires TLS', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'dev-unite-hub',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });
});

describe('edge', () => {
  it('serves the API through CloudFront with caching off and HTTPS enforced', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
        }),
        // Access logs go through standard logging v2 (test/infra/r19i-fix-edge-access-log-fields.test.ts).
        Logging: Match.absent(),
      }),
    });
    const distribution = resourcesOfType(template, 'AWS::CloudFront::Distribution')[0]?.[1];
    const config = distribution?.Properties?.DistributionConfig as {
      DefaultCacheBehavior: { AllowedMethods: string[] };
    };
    expect([...config.DefaultCacheBehavior.AllowedMethods].sort()).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PATCH',
      'POST',
      'PUT',
    ]);
  });

  it('adds the security headers at the edge', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: SECURITY_HEADERS.contentSecurityPolicy, Override: true },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
            Preload: true,
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'origin-when-cross-origin', Override: true },
        },
        CustomHeadersConfig: {
          Items: [{ Header: 'Permissions-Policy', Value: 'camera=(), microphone=(), geolocation=()', Override: true }],
        },
        RemoveHeadersConfig: { Items: [{ Header: 'X-XSS-Protection' }] },
      }),
    });
  });

  it('never sends the deprecated X-XSS-Protection header from the edge', () => {
    const [, policy] = resourcesOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy')[0] ?? [];
    const config = policy?.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: object };
    expect(config.SecurityHeadersConfig).not.toHaveProperty('XSSProtection');
  });

  it('throttles the API stage per stage and writes JSON access logs', () => {
    const stage = (t: typeof template) => resourcesOfType(t, 'AWS::ApiGatewayV2::Stage')[0]?.[1].Properties ?? {};
    // Detailed metrics: the per-route graphs of the operations dashboard.
    expect(stage(template).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
      DetailedMetricsEnabled: true,
    });
    expect(stage(prod.appTemplate).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 1000,
      ThrottlingBurstLimit: 2000,
      DetailedMetricsEnabled: true,
    });
    const format = JSON.parse((stage(template).AccessLogSettings as { Format: string }).Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
  });

  it('outputs the CloudFront URL and the raw API URL', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('ExecuteApiUrl', { Value: Match.anyValue() });
  });

  it('keeps the edge log bucket private and TLS-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
