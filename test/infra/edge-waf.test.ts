import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MANAGED_RULE_GROUPS, WAF_REGION, webAclArnParameterName } from '../../lib/cdk/edge-waf-stack';
import { stageSettings } from '../../lib/cdk/stage';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const WEB_ACL = 'AWS::WAFv2::WebACL';
const stages = { dev: synthesize('dev'), prod: synthesize('prod') };

type Rule = {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: {
    ManagedRuleGroupStatement?: { VendorName: string; Name: string; RuleActionOverrides?: { Name: string }[] };
    RateBasedStatement?: { Limit: number; AggregateKeyType: string };
  };
};

describe.each(Object.entries(stages))('edge WAF on %s', (stage, built) => {
  const rules = () => {
    const [, acl] = resourcesOfType(built.edgeWafTemplate, WEB_ACL)[0] ?? [];
    return (acl?.Properties?.Rules ?? []) as Rule[];
  };

  it('is a CLOUDFRONT web ACL in its own us-east-1 stack, allowing by default', () => {
    expect(built.edgeWaf.region).toBe(WAF_REGION);
    built.edgeWafTemplate.resourceCountIs(WEB_ACL, 1);
    built.edgeWafTemplate.hasResourceProperties(WEB_ACL, { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('runs the common, known-bad-inputs and IP-reputation AWS managed rule groups, blocking', () => {
    const managed = rules().filter((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement?.Name).sort()).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    for (const rule of managed) {
      expect(rule.Statement.ManagedRuleGroupStatement?.VendorName).toBe('AWS');
      // `none` keeps each group's own block actions; `count` would turn the group off.
      expect(rule.OverrideAction, rule.Name).toEqual({ None: {} });
    }
  });

  it('only counts the common set 8 KB body limit, which CSV import exceeds by design', () => {
    const common = rules().find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(MANAGED_RULE_GROUPS.flatMap((g) => g.countOnly)).toEqual(['SizeRestrictions_BODY']);
  });

  it('blocks an IP above the per-IP ceiling of the stage', () => {
    const rate = rules().filter((r) => r.Statement.RateBasedStatement);
    expect(rate).toHaveLength(1);
    expect(rate[0]?.Action).toEqual({ Block: {} });
    expect(rate[0]?.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: stageSettings(stage as 'dev' | 'prod').edgeRateLimitPer5Minutes,
    });
  });

  it('gives rules distinct priorities, each with metrics', () => {
    const priorities = rules().map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(priorities).toHaveLength(4);
  });

  it('publishes its ARN in us-east-1 and the distribution uses what the App stack reads there', () => {
    built.edgeWafTemplate.hasResourceProperties('AWS::SSM::Parameter', {
      Name: webAclArnParameterName(stage),
      Value: { 'Fn::GetAtt': [logicalIdAt(built.edgeWafTemplate, WEB_ACL, 'WebAcl'), 'Arn'] },
    });
    const reader = logicalIdAt(built.appTemplate, 'Custom::AWS', 'WebAclRead');
    const call = JSON.stringify(built.appTemplate.toJSON().Resources[reader].Properties.Create);
    expect(call).toContain(webAclArnParameterName(stage));
    expect(call).toContain(`\\"region\\":\\"${WAF_REGION}\\"`);
    built.appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [reader, 'Parameter.Value'] } }),
    });
  });

  it('deploys before the App stack', () => {
    expect(built.application.dependencies).toContain(built.edgeWaf);
  });
});
