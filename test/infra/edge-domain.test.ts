import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { edgeDomainContext } from '../../lib/cdk/edge-domain';
import { resourcesOfType, synthesize } from './synth';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b4a4e2c-1111-4c3e-9a55-123456789abc';
const withDomain = synthesize('prod', {
  nag: true,
  context: { edgeDomainName: 'App.Example.com', edgeCertificateArn: CERTIFICATE },
});
const without = synthesize('prod');

const acknowledged = (scope: IConstruct): string[] =>
  scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
    .map((id) => id.replace(/^Annotation::/, ''));

describe('custom edge domain', () => {
  it('serves the domain with its ACM certificate and TLSv1.2_2021 at least', () => {
    withDomain.appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['app.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: CERTIFICATE,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it('needs no CFR4 acknowledgement, and cdk-nag finds nothing', () => {
    expect(acknowledged(withDomain.app)).not.toContain('AwsSolutions-CFR4');
    const report = new AwsSolutionsChecks(withDomain.app).validateScope(withDomain.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('becomes the default base of mailed links', () => {
    const envs = resourcesOfType(withDomain.appTemplate, 'AWS::Lambda::Function')
      .map(([, fn]) => (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables)
      .filter((vars) => vars?.PUBLIC_BASE_URL !== undefined);
    expect(envs.length).toBeGreaterThan(0);
    for (const vars of envs) expect(vars?.PUBLIC_BASE_URL).toBe('https://app.example.com');
  });

  it('without a domain, keeps the cloudfront.net name and acknowledges CFR4', () => {
    const [, distribution] = resourcesOfType(without.appTemplate, 'AWS::CloudFront::Distribution')[0] ?? [];
    expect(JSON.stringify(distribution)).not.toContain('Aliases');
    expect(acknowledged(without.app)).toContain('AwsSolutions-CFR4');
  });

  it('refuses half a configuration, a bad name or a certificate outside us-east-1', () => {
    expect(edgeDomainContext(undefined, '')).toBeUndefined();
    expect(() => edgeDomainContext('app.example.com', undefined)).toThrow(/both/);
    expect(() => edgeDomainContext(undefined, CERTIFICATE)).toThrow(/both/);
    expect(() => edgeDomainContext('not a domain', CERTIFICATE)).toThrow(/domain name/);
    expect(() => edgeDomainContext('app.example.com', CERTIFICATE.replace('us-east-1', 'eu-west-1'))).toThrow(
      /us-east-1/,
    );
  });
});
