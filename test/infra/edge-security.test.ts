import { Match, type Template } from 'aws-cdk-lib/assertions';
import { OriginRequestHeaderBehavior } from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, FORWARDED_HEADERS, MAX_ORIGIN_REQUEST_HEADERS } from '../../lib/cdk/edge-distribution';
import { ORIGIN_SECRET_LENGTH, ORIGIN_VERIFY_HEADER } from '../../lib/cdk/origin-verification';
import { sentrySettings } from '../../lib/cdk/sentry';
import { type FunctionDeclaration, functions, SERVICE_NAME } from '../../lib/definition';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const DSN = 'https://public-key@o0.ingest.sentry.io/1';
const dev = synthesize('dev');
const prod = synthesize('prod');
const withSentry = synthesize('prod', { context: { sentryDsn: DSN, sentryTracesSampleRate: '0.25' } });

const httpFunctions = functions.filter((fn) => fn.kind === 'http');
const otherFunctions = functions.filter((fn) => fn.kind !== 'http');

function environmentOf(template: Template, fn: FunctionDeclaration): Record<string, unknown> {
  const found = resourcesOfType(template, 'AWS::Lambda::Function').find(
    ([, f]) => f.Properties?.Description === fn.description,
  );
  if (!found) throw new Error(`No function described as "${fn.description}"`);
  const environment = found[1].Properties?.Environment as { Variables: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

/** The one origin of the distribution, as template JSON. */
function originOf(template: Template) {
  const [, distribution] = resourcesOfType(template, 'AWS::CloudFront::Distribution')[0] ?? [];
  const config = distribution?.Properties?.DistributionConfig as {
    Origins: { OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[];
  };
  const [origin, ...others] = config.Origins;
  if (!origin || others.length > 0) throw new Error('Expected exactly one origin');
  return origin;
}

const secretId = (template: Template) => logicalIdAt(template, 'AWS::SecretsManager::Secret', 'OriginVerification');
/** `{{resolve:secretsmanager:<secret ARN>:SecretString:::}}`, resolved by CloudFormation at deploy time. */
const dynamicReference = (template: Template) => ({
  'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId(template) }, ':SecretString:::}}']],
});

describe('origin secret', () => {
  it.each([
    ['dev', dev],
    ['prod', prod],
  ])('%s has one generated secret: 48 letters and digits, no value in the template', (_stage, built) => {
    built.appTemplate.resourceCountIs('AWS::SecretsManager::Secret', 1);
    built.appTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: ORIGIN_SECRET_LENGTH, ExcludePunctuation: true },
      SecretString: Match.absent(),
    });
    expect(ORIGIN_SECRET_LENGTH).toBe(48);
  });

  it('synthesizes identically twice, so a deploy never generates a new value', () => {
    // Act
    const again = synthesize('dev').appTemplate;
    // Assess: same logical id and properties (a new id or property would replace the secret).
    expect(secretId(again)).toBe(secretId(dev.appTemplate));
    expect(again.toJSON().Resources[secretId(again)]).toEqual(dev.appTemplate.toJSON().Resources[secretId(again)]);
    expect(originOf(again)).toEqual(originOf(dev.appTemplate));
  });

  it('is sent by CloudFront to the origin as x-origin-verify', () => {
    expect(ORIGIN_VERIFY_HEADER).toBe('x-origin-verify');
    expect(originOf(dev.appTemplate).OriginCustomHeaders).toEqual([
      { HeaderName: 'x-origin-verify', HeaderValue: dynamicReference(dev.appTemplate) },
    ]);
  });

  it.each(httpFunctions)('$name receives the same value as ORIGIN_VERIFY_SECRET', (fn) => {
    expect(environmentOf(dev.appTemplate, fn).ORIGIN_VERIFY_SECRET).toEqual(dynamicReference(dev.appTemplate));
  });

  it('is given to no function that CloudFront does not call', () => {
    for (const fn of otherFunctions)
      expect(environmentOf(dev.appTemplate, fn)).not.toHaveProperty('ORIGIN_VERIFY_SECRET');
  });
});

describe('client address', () => {
  const [, policy] = resourcesOfType(dev.appTemplate, 'AWS::CloudFront::OriginRequestPolicy')[0] ?? [];
  const config = policy?.Properties?.OriginRequestPolicyConfig as {
    HeadersConfig: { HeaderBehavior: string; Headers: string[] };
    CookiesConfig: { CookieBehavior: string };
    QueryStringsConfig: { QueryStringBehavior: string };
  };
  const forwarded = config.HeadersConfig.Headers.map((h) => h.toLowerCase());

  it('forwards an allow list with the viewer address, all cookies and all query strings', () => {
    expect(config.HeadersConfig.HeaderBehavior).toBe('whitelist');
    expect(config.HeadersConfig.Headers).toEqual([...FORWARDED_HEADERS]);
    expect(forwarded).toContain('cloudfront-viewer-address');
    expect(config.CookiesConfig.CookieBehavior).toBe('all');
    expect(config.QueryStringsConfig.QueryStringBehavior).toBe('all');
  });

  it('forwards what the HTTP edge reads', () => {
    for (const header of ['origin', 'content-type', 'x-csrf-token', 'x-workspace-id', 'idempotency-key']) {
      expect(forwarded).toContain(header);
    }
  });

  it('stays within the quota of 10 headers and never forwards Host, Authorization or the secret header', () => {
    expect(config.HeadersConfig.Headers.length).toBeLessThanOrEqual(MAX_ORIGIN_REQUEST_HEADERS);
    expect(MAX_ORIGIN_REQUEST_HEADERS).toBe(10);
    // Host: execute-api answers 403 to a foreign host name. x-origin-verify: CloudFront sets it.
    for (const header of ['host', 'authorization', 'accept-encoding', ORIGIN_VERIFY_HEADER]) {
      expect(forwarded).not.toContain(header);
    }
  });

  it('could not forward Authorization through an origin request policy anyway', () => {
    // CloudFront answers 400 to such a policy; CDK refuses it at synth.
    expect(() => OriginRequestHeaderBehavior.allowList('Authorization')).toThrow(/Authorization/);
  });

  it.each(httpFunctions)('$name reads the client address from cloudfront-viewer-address', (fn) => {
    expect(environmentOf(dev.appTemplate, fn).CLIENT_ADDRESS_HEADER).toBe('cloudfront-viewer-address');
    expect(forwarded).toContain(CLIENT_ADDRESS_HEADER.toLowerCase());
  });

  it('names no client address header for functions that serve no HTTP', () => {
    for (const fn of otherFunctions)
      expect(environmentOf(dev.appTemplate, fn)).not.toHaveProperty('CLIENT_ADDRESS_HEADER');
  });
});

describe('Sentry', () => {
  it.each(functions)('$name gets no SENTRY_* variable without sentryDsn', (fn) => {
    for (const template of [dev.appTemplate, prod.appTemplate]) {
      expect(Object.keys(environmentOf(template, fn)).filter((name) => name.startsWith('SENTRY_'))).toEqual([]);
    }
  });

  it.each(functions)('$name reports to the DSN given, tagged with the stage and the sample rates', (fn) => {
    const variables = environmentOf(withSentry.appTemplate, fn);
    expect(Object.fromEntries(Object.entries(variables).filter(([name]) => name.startsWith('SENTRY_')))).toEqual({
      SENTRY_DSN: DSN,
      SENTRY_ENVIRONMENT: 'prod',
      SENTRY_SAMPLE_RATE: '1',
      SENTRY_TRACES_SAMPLE_RATE: '0.25',
    });
  });

  it('defaults to every error and no traces, and reads numbers from cdk.json as well', () => {
    const read = (context: Record<string, unknown>) => sentrySettings((key) => context[key]);
    expect(read({})).toBeUndefined();
    expect(read({ sentryDsn: '' })).toBeUndefined();
    expect(read({ sentryDsn: DSN })).toEqual({ dsn: DSN, sampleRate: 1, tracesSampleRate: 0 });
    expect(read({ sentryDsn: DSN, sentrySampleRate: 0.5, sentryTracesSampleRate: '0.1' })).toEqual({
      dsn: DSN,
      sampleRate: 0.5,
      tracesSampleRate: 0.1,
    });
  });

  it('fails the synth on a malformed DSN or a rate outside 0..1', () => {
    const read = (context: Record<string, unknown>) => () => sentrySettings((key) => context[key]);
    expect(read({ sentryDsn: 'not a dsn' })).toThrow(/sentryDsn/);
    expect(read({ sentryDsn: 'https://o0.ingest.sentry.io/1' })).toThrow(/sentryDsn/);
    expect(read({ sentryDsn: DSN, sentrySampleRate: '1.5' })).toThrow(/sentrySampleRate/);
    expect(read({ sentryDsn: DSN, sentryTracesSampleRate: 'abc' })).toThrow(/sentryTracesSampleRate/);
  });
});

describe('service alarms', () => {
  // Powertools Metrics: namespace UniteHub, dimensions {service, stage} (shared/observability/logger.ts).
  const alarmOn = (template: Template, metricName: string) =>
    resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties?.MetricName === metricName);

  it.each([
    ['dev', dev],
    ['prod', prod],
  ])('%s alarms on any Http5xx in 5 minutes', (stage, built) => {
    expect(alarmOn(built.appTemplate, 'Http5xx')).toHaveLength(1);
    built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'UniteHub',
      MetricName: 'Http5xx',
      Dimensions: [
        { Name: 'service', Value: SERVICE_NAME },
        { Name: 'stage', Value: stage },
      ],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it.each([
    ['dev', dev],
    ['prod', prod],
  ])('%s alarms on more than 1000 RateLimitHits in 5 minutes', (stage, built) => {
    expect(alarmOn(built.appTemplate, 'RateLimitHits')).toHaveLength(1);
    built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'UniteHub',
      MetricName: 'RateLimitHits',
      Dimensions: [
        { Name: 'service', Value: SERVICE_NAME },
        { Name: 'stage', Value: stage },
      ],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('rolls no canary back on them: they watch the whole service, not a release', () => {
    const ids = [...alarmOn(dev.appTemplate, 'Http5xx'), ...alarmOn(dev.appTemplate, 'RateLimitHits')].map(
      ([id]) => id,
    );
    expect(ids).toHaveLength(2);
    const groups = JSON.stringify(resourcesOfType(dev.appTemplate, 'AWS::CodeDeploy::DeploymentGroup'));
    for (const id of ids) expect(groups).not.toContain(`"${id}"`);
  });
});
