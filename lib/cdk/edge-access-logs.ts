/**
 * CloudFront access logs through standard logging v2 (CloudWatch Logs vended log delivery), with
 * the fields chosen. Legacy standard logging always records `cs-uri-stem` and `cs-uri-query`, and
 * a path can carry a credential (the campaign hook's `{token}`, `/u/{token}`, `/t/o/{token}`,
 * `/t/c/{token}`: docs/OBSERVABILITY.md, "Access logs and path tokens"), so the distribution has
 * no legacy logging and v2 delivers EDGE_LOG_FIELDS only.
 *
 * CloudWatch Logs accepts a CloudFront delivery source (and so its delivery and destination) in
 * us-east-1 only, while the App stack is environment-agnostic. So the pieces are split the way the
 * edge WAF's are (lib/cdk/edge-waf-stack.ts), in the other direction:
 * - App stack: the log bucket (lib/cdk/edge-distribution.ts, its lifecycle as before) with a
 *   policy letting log delivery write, and EdgeLogPublication, a custom resource that writes the
 *   distribution's and the bucket's ARNs to an SSM parameter in us-east-1 (PutParameter there).
 * - EdgeLogsStack, pinned to us-east-1 and deployed after the App stack: reads that parameter
 *   (an SSM-typed CloudFormation parameter, resolved on each deployment) into a delivery source
 *   (the distribution, ACCESS_LOGS), a destination (the bucket, cross-region delivery) and the
 *   delivery with its RecordFields.
 */
import { Arn, ArnFormat, Aws, CfnParameter, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDelivery, CfnDeliveryDestination, CfnDeliverySource } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { StageSettings } from './stage';
import { parameterCallSettings } from './web-acl-reference';

/** CloudWatch Logs takes CloudFront's log delivery configuration in this region only. */
export const EDGE_LOG_REGION = 'us-east-1';

/**
 * The fields each access log record keeps. Left out on purpose:
 * - `cs-uri-stem`, `cs-uri-query`: the path and query as sent, tokens included.
 * - `cs(Referer)`: the page a request came from, a token page's full URL included (same-origin
 *   requests send it whole: the unsubscribe page's form POSTs to `/u/{token}` from `/u/{token}`).
 * - `cs(Cookie)`: the session cookie.
 * - `cache-behavior-path-pattern`, `fle-*`, `sc-range-*`, `sc-content-len`: nothing to read here
 *   (one behavior, no field-level encryption, no range requests on an API).
 * The route of a request is in the API's access log (its route key, never its path).
 */
export const EDGE_LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'x-edge-request-id',
  'x-edge-result-type',
  'x-edge-response-result-type',
  'x-edge-detailed-result-type',
  'sc-status',
  'sc-bytes',
  'sc-content-type',
  'cs-bytes',
  'time-taken',
  'time-to-first-byte',
  'cs-method',
  'cs(Host)',
  'x-host-header',
  'cs-protocol',
  'cs-protocol-version',
  'ssl-protocol',
  'ssl-cipher',
  'c-ip',
  'x-forwarded-for',
  'c-country',
  'cs(User-Agent)',
] as const;

/** Where the App stack publishes `<distribution ARN>,<bucket ARN>` in us-east-1. */
export const edgeLogTargetsParameterName = (stage: string): string =>
  `/${SERVICE_NAME}/${stage}/edge/access-log-targets`;

/** The delivery source's name; the bucket policy names its ARN before it exists. */
export const edgeLogSourceName = (stage: string): string => `${SERVICE_NAME}-${stage}-edge-access-logs`;

/**
 * App stack side: lets vended log delivery put objects in `bucket` (from this account's delivery
 * source only) and publishes the distribution's and the bucket's ARNs for EdgeLogsStack. The
 * parameter is written when its value changes (a new distribution or bucket), then EdgeLogsStack
 * picks the new value up on its next deployment.
 */
export class EdgeLogPublication extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { readonly settings: StageSettings; readonly distributionArn: string; readonly bucket: IBucket },
  ) {
    super(scope, id);
    const { stage } = props.settings;
    const { bucket } = props;

    // What CloudWatch Logs asks of an S3 destination (vended logs, V2 permissions); delivered
    // objects carry bucket-owner-full-control, so the bucket owner owns them.
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EdgeAccessLogDelivery',
        principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': Arn.format({
              partition: Aws.PARTITION,
              service: 'logs',
              region: EDGE_LOG_REGION,
              account: Aws.ACCOUNT_ID,
              resource: 'delivery-source',
              resourceName: edgeLogSourceName(stage),
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    const parameterName = edgeLogTargetsParameterName(stage);
    const put = {
      service: 'SSM',
      action: 'putParameter',
      parameters: {
        Name: parameterName,
        Description: `${SERVICE_NAME} ${stage}: CloudFront distribution and access log bucket (read by the EdgeLogs stack)`,
        Type: 'StringList',
        Value: Fn.join(',', [props.distributionArn, bucket.bucketArn]),
        Overwrite: true,
      },
      region: EDGE_LOG_REGION,
      physicalResourceId: PhysicalResourceId.of(parameterName),
    };
    new AwsCustomResource(this, 'Write', {
      onCreate: put,
      onUpdate: put,
      onDelete: {
        service: 'SSM',
        action: 'deleteParameter',
        parameters: { Name: parameterName },
        region: EDGE_LOG_REGION,
        ignoreErrorCodesMatching: 'ParameterNotFound',
      },
      ...parameterCallSettings(this, props.settings, EDGE_LOG_REGION, parameterName),
    });
  }
}

export interface EdgeLogsStackProps extends StackProps {
  readonly settings: StageSettings;
}

/** us-east-1: the log delivery of the distribution the App stack published. */
export class EdgeLogsStack extends Stack {
  readonly delivery: CfnDelivery;

  constructor(scope: Construct, id: string, props: EdgeLogsStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_LOG_REGION } });
    const { stage } = props.settings;

    const targets = new CfnParameter(this, 'AccessLogTargets', {
      type: 'AWS::SSM::Parameter::Value<List<String>>',
      default: edgeLogTargetsParameterName(stage),
      description: 'SSM parameter the App stack writes: the distribution ARN, then the log bucket ARN',
    }).valueAsList;

    const source = new CfnDeliverySource(this, 'Source', {
      name: edgeLogSourceName(stage),
      logType: 'ACCESS_LOGS',
      resourceArn: Fn.select(0, targets),
    });
    const destination = new CfnDeliveryDestination(this, 'Bucket', {
      name: `${SERVICE_NAME}-${stage}-edge-access-log-bucket`,
      destinationResourceArn: Fn.select(1, targets),
      // W3C extended log format, as legacy logging wrote: a #Fields line names the columns.
      outputFormat: 'w3c',
    });
    this.delivery = new CfnDelivery(this, 'Delivery', {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.attrArn,
      recordFields: [...EDGE_LOG_FIELDS],
    });
    this.delivery.node.addDependency(source);
  }
}
