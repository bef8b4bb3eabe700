/** Mailed links start with PUBLIC_BASE_URL: every function gets it from the stack, never from a request. */
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/definition';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');
const custom = synthesize('prod', { context: { publicBaseUrl: 'https://App.Example.com/crm/' } });
const envOf = (t: typeof dev.appTemplate) =>
  resourcesOfType(t, 'AWS::Lambda::Function')
    // Declared functions only: not the CDK-owned provider of the web ACL reader (AwsCustomResource).
    .filter(
      ([id, fn]) => fn.Properties?.Handler === 'index.handler' && !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
    )
    .map(
      ([, fn]) => (fn.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {},
    );

describe('PUBLIC_BASE_URL', () => {
  it('is set on every declared function', () => {
    const envs = envOf(dev.appTemplate);
    expect(envs).toHaveLength(functions.length);
    for (const env of envs) expect(env).toHaveProperty('PUBLIC_BASE_URL');
  });

  it("defaults to the stage's CloudFront https URL", () => {
    const distribution = logicalIdAt(dev.appTemplate, 'AWS::CloudFront::Distribution', 'EdgeDistribution');
    for (const env of envOf(dev.appTemplate)) {
      expect(env.PUBLIC_BASE_URL).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]],
      });
    }
  });

  it('takes a configured custom domain, normalised, from -c publicBaseUrl=', () => {
    for (const env of envOf(custom.appTemplate)) expect(env.PUBLIC_BASE_URL).toBe('https://app.example.com/crm');
  });

  it.each([
    'http://app.example.com',
    'app.example.com',
    'https://app.example.com/sso?next=',
    'https://app.example.com/#x',
    'https://user@app.example.com',
    42,
  ])('fails the synth for publicBaseUrl %j', (value) => {
    expect(() => synthesize('dev', { context: { publicBaseUrl: value } })).toThrow(/publicBaseUrl/);
  });
});
