/**
 * The WAF web ACL in front of CloudFront. A CLOUDFRONT-scoped ACL can only be created in
 * us-east-1, while the other stacks are environment-agnostic (they deploy to the caller's
 * region), so the ACL has a small stack of its own, pinned to us-east-1. CDK's
 * `crossRegionReferences` needs both stacks to name their region, so the ARN travels the way
 * that feature does it internally: an SSM parameter in us-east-1 here, read by the App stack
 * (lib/cdk/web-acl-reference.ts).
 *
 * Rules, in evaluation order:
 * 1. Amazon IP reputation list: addresses AWS threat intelligence saw in attacks or bot nets.
 * 2. A per-IP rate ceiling over 5 minutes. Coarse on purpose: the per-client rate tiers of the
 *    function edge (DynamoDB limiter) are the real limits; this stops a flood before it costs
 *    Lambda invocations and limiter writes.
 * 3. Known bad inputs (Log4Shell-style patterns, exploit paths).
 * 4. The common rule set (OWASP-style), with its 8 KB body limit only counted: the function
 *    edge enforces each route's declared body limit (1 MB by default, CSV import included).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { StageSettings } from './stage';

/** CloudFront reads web ACLs from us-east-1 only. */
export const WAF_REGION = 'us-east-1';

/** Where the ACL's ARN is published in us-east-1 for the App stack to read. */
export const webAclArnParameterName = (stage: string): string => `/${SERVICE_NAME}/${stage}/edge/web-acl-arn`;

/** The AWS managed rule groups the ACL runs, with the rules of each that only count. */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: [] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: [] },
  { name: 'AWSManagedRulesCommonRuleSet', countOnly: ['SizeRestrictions_BODY'] },
] as const;

export interface EdgeWafStackProps extends StackProps {
  readonly settings: StageSettings;
}

export class EdgeWafStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWafStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: WAF_REGION } });
    const { stage, edgeRateLimitPer5Minutes } = props.settings;
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${SERVICE_NAME}-${stage}-${metricName}`,
    });
    const managed = (priority: number, group: (typeof MANAGED_RULE_GROUPS)[number]): CfnWebACL.RuleProperty => ({
      name: group.name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group.name,
          ruleActionOverrides: group.countOnly.length
            ? group.countOnly.map((name) => ({ name, actionToUse: { count: {} } }))
            : undefined,
        },
      },
      visibilityConfig: visibility(group.name),
    });
    const [ipReputation, knownBadInputs, common] = MANAGED_RULE_GROUPS;

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${SERVICE_NAME}-${stage}-edge`,
      description: `${SERVICE_NAME} ${stage}: managed rule groups and a per-IP ceiling in front of CloudFront`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('edge'),
      rules: [
        managed(0, ipReputation),
        {
          name: 'PerIpCeiling',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: edgeRateLimitPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility('per-ip-ceiling'),
        },
        managed(2, knownBadInputs),
        managed(3, common),
      ],
    });

    new StringParameter(this, 'WebAclArn', {
      parameterName: webAclArnParameterName(stage),
      description: `${SERVICE_NAME} ${stage}: ARN of the CloudFront web ACL (read by the App stack)`,
      stringValue: this.webAcl.attrArn,
    });
  }
}
