import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { OriginRequestHeaderBehavior } from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, VIEWER_REQUEST_CODE } from '../../lib/cdk/edge-distribution';
import {
  ORIGIN_SECRET_LENGTH,
  ORIGIN_VERIFY_ARN_ENV,
  ORIGIN_VERIFY_HEADER,
  OriginVerification,
} from '../../lib/cdk/origin-verification';
import { providerSecretName } from '../../lib/cdk/physical-names';
import { providerSecretArn } from '../../lib/cdk/provider-secrets';
import { sentrySettings } from '../../lib/cdk/sentry';
import { stageSettings } from '../../lib/cdk/stage';
import { type FunctionDeclaration, functions, SERVICE_NAME } from '../../lib/definition';
import { parseViewerAddress } from '../../shared/security/trusted-edge';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const DSN = 'https://public-key@o0.ingest.sentry.io/1';
/** A `put-secret-value` VersionId: step 2 of a rotation pins CloudFront's header to it. */
const PINNED = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const dev = synthesize('dev');
const prod = synthesize('prod');
// Sentry on and the origin header pinned to a version, in one synth (each costs seconds).
const withSentry = synthesize('prod', {
  context: { sentry: 'on', sentryTracesSampleRate: '0.25', originSecretVersion: PINNED },
});

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
const dynamicReference = (template: Template, versionId = '') => ({
  'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId(template) }, `:SecretString:::${versionId}}}`]],
});

describe('origin secret', () => {
  it.each([
    ['dev', dev],
    ['prod', prod],
  ])('%s has one generated origin secret: 48 letters and digits, no value in the template', (_stage, built) => {
    // Two secrets in all: this one and the link tokens' key (lib/cdk/tracking-key.ts).
    built.appTemplate.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(logicalIdAt(built.appTemplate, 'AWS::SecretsManager::Secret', 'TrackingKey')).toBeDefined();
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

  it('is pinned to the version given as -c originSecretVersion (step 2 of a rotation), the secret unchanged', () => {
    expect(originOf(withSentry.appTemplate).OriginCustomHeaders).toEqual([
      { HeaderName: 'x-origin-verify', HeaderValue: dynamicReference(withSentry.appTemplate, PINNED) },
    ]);
    expect(secretId(withSentry.appTemplate)).toBe(secretId(prod.appTemplate));
    expect(withSentry.appTemplate.toJSON().Resources[secretId(withSentry.appTemplate)]).toEqual(
      prod.appTemplate.toJSON().Resources[secretId(prod.appTemplate)],
    );
  });

  it('refuses a pinned version that is not a Secrets Manager version id', () => {
    const stack = new Stack();
    expect(
      () =>
        new OriginVerification(stack, 'Origin', {
          settings: stageSettings('dev'),
          pinnedVersionId: 'AWSCURRENT}}{{x',
        }),
    ).toThrow(/originSecretVersion/);
  });

  it.each(httpFunctions)('$name gets the secret’s ARN, never its value, and GetSecretValue on it alone', (fn) => {
    const variables = environmentOf(dev.appTemplate, fn);
    expect(variables[ORIGIN_VERIFY_ARN_ENV]).toEqual({ Ref: secretId(dev.appTemplate) });
    expect(variables).not.toHaveProperty('ORIGIN_VERIFY_SECRET');
    expect(statementsOn(dev.appTemplate, fn, { Ref: secretId(dev.appTemplate) })).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue' },
    ]);
  });

  it('is given to no function that CloudFront does not call', () => {
    for (const fn of otherFunctions) {
      expect(environmentOf(dev.appTemplate, fn)).not.toHaveProperty(ORIGIN_VERIFY_ARN_ENV);
      expect(statementsOn(dev.appTemplate, fn, { Ref: secretId(dev.appTemplate) })).toEqual([]);
    }
  });
});

/** What `fn`'s role policies allow on `resource` (CDK merges statements, so a statement may name several). */
function statementsOn(template: Template, fn: FunctionDeclaration, resource: unknown): unknown[] {
  const lambda = resourcesOfType(template, 'AWS::Lambda::Function').find(
    ([, f]) => f.Properties?.Description === fn.description,
  );
  const roleArn = lambda?.[1].Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  if (!roleArn) throw new Error(`No role for ${fn.name}`);
  const role = roleArn['Fn::GetAtt'][0];
  const wanted = JSON.stringify(resource);
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [])
    .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === wanted))
    .map(({ Effect, Action }) => ({ Effect, Action }));
}
type Statement = { Effect: string; Action: unknown; Resource: unknown };

describe('no secret value in any template or function environment', () => {
  const builds = [
    ['dev', dev],
    ['prod', prod],
    ['prod with Sentry and a pinned origin header', withSentry],
  ] as const;
  const templatesOf = (built: typeof dev) => [built.appTemplate, built.dataTemplate, built.edgeWafTemplate];
  /** Every string of a template with its JSON path; an Fn::Join as its joined text (tokens as `<token>`). */
  const strings = (node: unknown, path = ''): [string, string][] => {
    if (typeof node === 'string') return [[path, node]];
    if (Array.isArray(node)) return node.flatMap((child, i) => strings(child, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return [];
    const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return [[path, join[1].map((p) => (typeof p === 'string' ? p : '<token>')).join(join[0])]];
    return Object.entries(node).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  };

  it.each(builds)('%s: the only secretsmanager dynamic reference is CloudFront’s origin header', (_, built) => {
    const references = templatesOf(built)
      .flatMap((template) => strings(template.toJSON()))
      .filter(([, text]) => text.includes('{{resolve:secretsmanager:'))
      .map(([path]) => path);
    expect(references).toEqual([expect.stringMatching(/\.OriginCustomHeaders\[0\]\.HeaderValue$/)]);
  });

  it.each(builds)('%s: no function environment holds a secret value or a reference to one', (_, built) => {
    for (const fn of functions) {
      const variables = environmentOf(built.appTemplate, fn);
      for (const name of [
        'ORIGIN_VERIFY_SECRET',
        'ORIGIN_VERIFY_SECRET_PREVIOUS',
        'SENTRY_DSN',
        'RESEND_API_KEY',
        'TRACKING_KEY',
      ]) {
        expect(variables, `${fn.name} ${name}`).not.toHaveProperty(name);
      }
      const text = JSON.stringify(variables);
      expect(text, fn.name).not.toContain('resolve:secretsmanager');
      expect(text, fn.name).not.toContain('resolve:ssm-secure');
      expect(text, fn.name).not.toContain(DSN);
      expect(text, fn.name).not.toContain('ingest.sentry.io');
    }
  });

  it('holds no DSN anywhere, though Sentry is on', () => {
    for (const template of templatesOf(withSentry))
      expect(JSON.stringify(template.toJSON())).not.toMatch(/sentry\.io|public-key@/);
  });
});

describe('client address and public host', () => {
  const behavior = () => {
    const [, distribution] = resourcesOfType(dev.appTemplate, 'AWS::CloudFront::Distribution')[0] ?? [];
    const config = distribution?.Properties?.DistributionConfig as
      | { DefaultCacheBehavior: Record<string, unknown> }
      | undefined;
    return config?.DefaultCacheBehavior ?? {};
  };
  type Header = { value: string };
  /** Runs the function code the way CloudFront does: `handler(event)` returns the request. */
  const runViewerRequest = (ip: string, headers: Record<string, Header>) => {
    const handler = new Function(`${VIEWER_REQUEST_CODE}; return handler;`)() as (event: unknown) => {
      headers: Record<string, Header>;
    };
    return handler({ viewer: { ip }, request: { method: 'GET', uri: '/api/health', headers } }).headers;
  };

  it('forwards every viewer header but Host (so Authorization too, caching being off), cookies and query strings', () => {
    expect(behavior()).toMatchObject({
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
    });
  });

  it('could not forward Authorization through an allow-list origin request policy', () => {
    // CloudFront answers 400 to such a policy and CDK refuses it: the reason for the policy above.
    expect(() => OriginRequestHeaderBehavior.allowList('Authorization')).toThrow(/Authorization/);
  });

  it('runs the viewer-request function on every request', () => {
    dev.appTemplate.resourceCountIs('AWS::CloudFront::Function', 1);
    dev.appTemplate.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: VIEWER_REQUEST_CODE,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      AutoPublish: true,
    });
    const functionId = logicalIdAt(dev.appTemplate, 'AWS::CloudFront::Function', 'EdgeViewerRequest');
    expect(behavior().FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
  });

  it('replaces a forged address and host with the viewer’s own, in the form the HTTP edge parses', () => {
    // Act
    const v4 = runViewerRequest('203.0.113.7', {
      host: { value: 'd111111abcdef8.cloudfront.net' },
      'x-viewer-address': { value: '198.51.100.1' },
      'x-forwarded-host': { value: 'evil.example' },
    });
    const v6 = runViewerRequest('2001:db8::1', { host: { value: 'd111111abcdef8.cloudfront.net' } });
    // Assess
    expect(v4['x-viewer-address']).toEqual({ value: '203.0.113.7' });
    expect(v4['x-forwarded-host']).toEqual({ value: 'd111111abcdef8.cloudfront.net' });
    expect(v6['x-viewer-address']).toEqual({ value: '[2001:db8::1]' });
    expect(parseViewerAddress(v4['x-viewer-address']?.value ?? '')).toBe('203.0.113.7');
    expect(parseViewerAddress(v6['x-viewer-address']?.value ?? '')).toBe('2001:db8::1');
  });

  it('drops a viewer-sent public host when the request has no Host', () => {
    expect(runViewerRequest('203.0.113.7', { 'x-forwarded-host': { value: 'evil.example' } })).not.toHaveProperty(
      'x-forwarded-host',
    );
  });

  it.each(httpFunctions)('$name reads the client address from x-viewer-address', (fn) => {
    expect(CLIENT_ADDRESS_HEADER).toBe('x-viewer-address');
    expect(environmentOf(dev.appTemplate, fn).CLIENT_ADDRESS_HEADER).toBe('x-viewer-address');
  });

  it('names no client address header for functions that serve no HTTP', () => {
    for (const fn of otherFunctions)
      expect(environmentOf(dev.appTemplate, fn)).not.toHaveProperty('CLIENT_ADDRESS_HEADER');
  });
});

describe('Sentry', () => {
  const dsnSecretArn = withSentry.application.resolve(providerSecretArn(withSentry.application, 'prod', 'sentry-dsn'));
  const sentryVariables = (template: Template, fn: FunctionDeclaration) =>
    Object.fromEntries(Object.entries(environmentOf(template, fn)).filter(([name]) => name.startsWith('SENTRY_')));

  it.each(functions)('$name gets no SENTRY_* variable and no grant without -c sentry=on', (fn) => {
    for (const template of [dev.appTemplate, prod.appTemplate]) {
      expect(sentryVariables(template, fn)).toEqual({});
    }
    expect(statementsOn(prod.appTemplate, fn, dsnSecretArn)).toEqual([]);
  });

  it.each(httpFunctions)(
    '$name reads the DSN from its secret by name, tagged with the stage and the sample rates',
    (fn) => {
      expect(sentryVariables(withSentry.appTemplate, fn)).toEqual({
        SENTRY_DSN_SECRET_ID: providerSecretName('prod', 'sentry-dsn'),
        SENTRY_ENVIRONMENT: 'prod',
        SENTRY_SAMPLE_RATE: '1',
        SENTRY_TRACES_SAMPLE_RATE: '0.25',
      });
      expect(statementsOn(withSentry.appTemplate, fn, dsnSecretArn)).toEqual([
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue' },
      ]);
    },
  );

  it.each(otherFunctions)('$name reports no errors to Sentry, so gets neither its variables nor its secret', (fn) => {
    expect(sentryVariables(withSentry.appTemplate, fn)).toEqual({});
    expect(statementsOn(withSentry.appTemplate, fn, dsnSecretArn)).toEqual([]);
  });

  it('names the secret by name and Secrets Manager’s six-character suffix', () => {
    expect(JSON.stringify(dsnSecretArn)).toContain(`:secret:${providerSecretName('prod', 'sentry-dsn')}-??????"`);
  });

  it('defaults to every error and no traces, and reads numbers and booleans from cdk.json as well', () => {
    const read = (context: Record<string, unknown>) => sentrySettings((key) => context[key]);
    expect(read({})).toBeUndefined();
    expect(read({ sentry: 'off' })).toBeUndefined();
    expect(read({ sentry: false })).toBeUndefined();
    expect(read({ sentry: 'on' })).toEqual({ sampleRate: 1, tracesSampleRate: 0 });
    expect(read({ sentry: true, sentrySampleRate: 0.5, sentryTracesSampleRate: '0.1' })).toEqual({
      sampleRate: 0.5,
      tracesSampleRate: 0.1,
    });
  });

  it('fails the synth on a DSN given as context (it would land in the template) or a bad value', () => {
    const read = (context: Record<string, unknown>) => () => sentrySettings((key) => context[key]);
    expect(read({ sentryDsn: DSN })).toThrow(/Secrets Manager/);
    expect(read({ sentry: 'yes please' })).toThrow(/sentry/);
    expect(read({ sentry: 'on', sentrySampleRate: '1.5' })).toThrow(/sentrySampleRate/);
    expect(read({ sentry: 'on', sentryTracesSampleRate: 'abc' })).toThrow(/sentryTracesSampleRate/);
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
