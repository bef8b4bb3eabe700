import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthesize } from './synth';

// Built with the plugin registered: synthesize() would already throw on a finding; the
// scans below list the findings by rule, resource and reason instead of one exception.
const stages = { dev: synthesize('dev', { nag: true }), prod: synthesize('prod', { nag: true }) };

/** AwsSolutions findings not acknowledged anywhere up the construct tree. */
function findings(scope: IConstruct, severity: 'error' | 'warning'): string[] {
  const report = new AwsSolutionsChecks(scope, { verbose: true }).validateScope(scope);
  return report.violations
    .filter((v) => v.severity === severity)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

/** Every acknowledgement recorded in the app: [rule id, reason]. */
function acknowledgements(scope: IConstruct): [string, string][] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
}

describe.each(Object.entries(stages))('cdk-nag AwsSolutions on the %s stage', (_stage, built) => {
  it('reports no unacknowledged error', () => {
    expect(findings(built.app, 'error')).toEqual([]);
  });

  it('reports no unacknowledged warning', () => {
    expect(findings(built.app, 'warning')).toEqual([]);
  });

  it('acknowledges no rule with a to-do for a reason', () => {
    const todo = acknowledgements(built.app).filter(([, reason]) =>
      /\b(yet|before public launch|TODO)\b/i.test(reason),
    );
    expect(todo.map(([id]) => id)).toEqual([]);
  });

  it('gives every acknowledgement a rule id and a real reason', () => {
    const acks = acknowledgements(built.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `reason for ${id}`).toBeGreaterThan(60);
    }
  });

  it('leaves no CDK warning or error annotation on any stack', () => {
    for (const stack of [built.data, built.application, built.edgeWaf]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });
});

describe('cdk-nag as a synthesis validation plugin', () => {
  it('synthesizes the real app with the plugin registered', () => {
    expect(Object.keys(stages.prod.appTemplate.toJSON().Resources).length).toBeGreaterThan(0);
  });

  it('fails the synth of an app with an unacknowledged finding (the check is live)', () => {
    // Prepare: a queue with no dead-letter queue and no TLS enforcement.
    const app = new App();
    new Queue(new Stack(app, 'Careless'), 'Queue', { enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    // Act + Assess
    expect(findings(app, 'error').map((f) => f.split(' ')[0])).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
