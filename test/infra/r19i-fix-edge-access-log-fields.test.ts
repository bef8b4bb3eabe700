// Review round 19: this test failed at 8dde982.
// CloudFront's legacy standard logging wrote every request's cs-uri-stem and cs-uri-query to the
// AccessLogs bucket, so the tokens that live in URL paths (campaign hook, /u/{token}, /t/...) were
// stored in clear for a year; legacy logging cannot leave fields out. Standard logging v2 can.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stageSettings } from '../../lib/cdk/stage';
import { resourcesOfType, synthesize } from './synth';

const prod = synthesize('prod');
const stacks = prod.app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
const templates = stacks.map((stack) => ({ stack, template: Template.fromStack(stack) }));

/** Every resource of a type in any stack of the app, with the stack it is in. */
const everywhere = (type: string) =>
  templates.flatMap(({ stack, template }) =>
    resourcesOfType(template, type).map(([id, resource]) => ({ stack, template, id, resource })),
  );

/** The fields that carry a request's URI, a referring URI (a token page's) or the session cookie. */
const CARRY_TOKENS = ['cs-uri-stem', 'cs-uri-query', 'cs(Referer)', 'cs(Cookie)'];
/** What an operator reads in an edge log. */
const OPERATIONAL = [
  'date',
  'time',
  'x-edge-location',
  'sc-status',
  'sc-bytes',
  'cs-bytes',
  'time-taken',
  'x-edge-result-type',
  'x-edge-detailed-result-type',
  'x-edge-request-id',
  'cs-method',
  'cs(Host)',
  'cs-protocol',
  'c-ip',
];

const distributionId = () => {
  const [distribution] = resourcesOfType(prod.appTemplate, 'AWS::CloudFront::Distribution');
  expect(distribution).toBeDefined();
  return (distribution as [string, unknown])[0];
};

describe('CloudFront access logs on prod', () => {
  it('turns legacy standard logging off (it always records the URI)', () => {
    const [, distribution] = resourcesOfType(prod.appTemplate, 'AWS::CloudFront::Distribution')[0] ?? [];
    const config = distribution?.Properties?.DistributionConfig as Record<string, unknown>;
    expect(config).toBeDefined();
    expect(config.Logging).toBeUndefined();
  });

  it('delivers the distribution’s ACCESS_LOGS through standard logging v2, configured in us-east-1', () => {
    const sources = everywhere('AWS::Logs::DeliverySource');
    expect(sources.map((s) => s.resource.Properties?.LogType)).toEqual(['ACCESS_LOGS']);
    const [source] = sources;
    // CloudWatch Logs accepts CloudFront delivery sources in us-east-1 only.
    expect(source?.stack.region).toBe('us-east-1');
    // Deployed after the App stack, whose parameter it reads; no CDK warning on it.
    expect(source?.stack.dependencies).toContain(prod.application);
    expect(Annotations.fromStack(source?.stack as Stack).findWarning('*', Match.anyValue())).toEqual([]);

    // The ARN arrives through the SSM parameter the App stack writes there (the stacks'
    // regions differ): the parameter this stack reads is the one the App stack's writer puts,
    // with the distribution's id in its value.
    const sourceJson = JSON.stringify(source?.stack.resolve(source.resource.Properties?.ResourceArn));
    const parameters = source?.template.toJSON().Parameters as Record<string, { Type: string; Default?: string }>;
    const read = Object.entries(parameters).filter(
      ([id, p]) => p.Type.startsWith('AWS::SSM::Parameter::Value') && sourceJson.includes(`"${id}"`),
    );
    expect(read).toHaveLength(1);
    const parameterName = read[0]?.[1].Default as string;
    const writers = resourcesOfType(prod.appTemplate, 'Custom::AWS').filter(([, r]) =>
      JSON.stringify(r.Properties?.Create ?? '').includes(parameterName),
    );
    expect(writers).toHaveLength(1);
    const create = JSON.stringify(writers[0]?.[1].Properties?.Create);
    expect(create).toContain('putParameter');
    expect(create).toContain(distributionId());
    expect(create).toContain('us-east-1');
  });

  it('keeps the operational fields and leaves out every field that carries a URI, a referer or a cookie', () => {
    const deliveries = everywhere('AWS::Logs::Delivery');
    expect(deliveries).toHaveLength(1);
    const fields = deliveries[0]?.resource.Properties?.RecordFields as string[];
    expect(fields).toEqual(expect.arrayContaining(OPERATIONAL));
    expect(fields.filter((f) => CARRY_TOKENS.includes(f))).toEqual([]);
  });

  it('writes to the AccessLogs bucket, which keeps its lifecycle and lets only this delivery write', () => {
    const [destination] = everywhere('AWS::Logs::DeliveryDestination');
    expect(destination).toBeDefined();
    const [delivery] = everywhere('AWS::Logs::Delivery');
    expect(JSON.stringify(delivery?.resource.Properties?.DeliveryDestinationArn)).toContain(destination?.id);

    const buckets = resourcesOfType(prod.appTemplate, 'AWS::S3::Bucket').filter(([id]) => id.includes('AccessLogs'));
    expect(buckets).toHaveLength(1);
    const [bucketId, bucket] = buckets[0] as [
      string,
      { Properties?: Record<string, unknown>; DeletionPolicy?: string },
    ];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties?.LifecycleConfiguration).toEqual({
      Rules: [expect.objectContaining({ ExpirationInDays: stageSettings('prod').edgeLogDays, Status: 'Enabled' })],
    });
    // The bucket's ARN travels with the distribution's in the same parameter.
    const writer = resourcesOfType(prod.appTemplate, 'Custom::AWS').find(([, r]) =>
      JSON.stringify(r.Properties?.Create ?? '').includes(distributionId()),
    );
    expect(JSON.stringify(writer?.[1].Properties?.Create)).toContain(bucketId);

    // Log delivery may put objects, from our account's delivery sources in us-east-1 only.
    prod.appTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({
              StringEquals: Match.objectLike({ 's3:x-amz-acl': 'bucket-owner-full-control' }),
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            }),
          }),
        ]),
      },
    });
  });
});
