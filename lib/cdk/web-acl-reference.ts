/**
 * Reads the CloudFront web ACL's ARN from the SSM parameter the WAF stack writes in us-east-1
 * (lib/cdk/edge-waf-stack.ts). CloudFormation's `{{resolve:ssm:...}}` only reads the stack's
 * own region, so a custom resource calls GetParameter in us-east-1: the mechanism CDK's
 * `crossRegionReferences` uses, which needs stacks with a fixed region (ours are agnostic).
 * The physical id is the parameter name, so the template stays deterministic and the call
 * runs when the resource is created or its parameters change. The ACL keeps its name, so
 * CloudFormation only replaces it (new ARN) on a scope or name change: then redeploy the App
 * stack after changing this construct's id (docs/runbooks/edge-waf.md).
 */
import { Arn, Aws, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsCustomResourceProps,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { WAF_REGION, webAclArnParameterName } from './edge-waf-stack';
import type { StageSettings } from './stage';

/** The construct id CDK gives the function behind every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * What an AwsCustomResource that calls SSM on one parameter in another region shares (the web ACL's
 * reader here, the edge log targets' writer in lib/cdk/edge-access-logs.ts): no latest-SDK install,
 * the provider's log group with the stage's retention like every other, and a policy for the SDK
 * calls on that one parameter's ARN only.
 */
export function parameterCallSettings(
  scope: Construct,
  settings: StageSettings,
  region: string,
  parameterName: string,
): Pick<AwsCustomResourceProps, 'installLatestAwsSdk' | 'logGroup' | 'policy'> {
  return {
    installLatestAwsSdk: false,
    logGroup: new LogGroup(scope, 'Logs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy }),
    policy: AwsCustomResourcePolicy.fromSdkCalls({
      resources: [
        Arn.format({
          partition: Aws.PARTITION,
          service: 'ssm',
          region,
          account: Aws.ACCOUNT_ID,
          resource: 'parameter',
          resourceName: parameterName.slice(1),
        }),
      ],
    }),
  };
}

export class WebAclReference extends Construct {
  /** The ARN, for `Distribution.webAclId`. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { readonly settings: StageSettings }) {
    super(scope, id);
    const parameterName = webAclArnParameterName(props.settings.stage);
    const getParameter = {
      service: 'SSM',
      action: 'getParameter',
      parameters: { Name: parameterName },
      region: WAF_REGION,
      physicalResourceId: PhysicalResourceId.of(parameterName),
      outputPaths: ['Parameter.Value'],
    };
    const reader = new AwsCustomResource(this, 'Read', {
      onCreate: getParameter,
      onUpdate: getParameter,
      ...parameterCallSettings(this, props.settings, WAF_REGION, parameterName),
    });
    this.arn = reader.getResponseField('Parameter.Value');

    // The one Lambda every AwsCustomResource of the stack shares (CDK's fixed singleton id).
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The AwsCustomResource provider function (CDK-owned, runs only during deployments) always gets this AWS-maintained policy for its own logs; its only other permissions are ssm:GetParameter on the one web ACL parameter and ssm:PutParameter/DeleteParameter on the one edge access log parameter (lib/cdk/edge-access-logs.ts).',
      });
    }
  }
}
