/**
 * Publishes a function through CodeDeploy: 10% of traffic on the new version for five
 * minutes, then all of it, rolled back automatically while any of its alarms fires.
 *
 * The rollback alarms judge the new version only. An alias's own metrics ({FunctionName,
 * Resource: fn:live}) count every invocation of the alias, whichever of its two weighted versions
 * ran it: the version being replaced would fail a deploy that fixes it (its own errors, 90% of the
 * traffic) and dilute a bad one 9:1. Lambda also publishes them per version that ran
 * ({FunctionName, Resource, ExecutedVersion}: "compare error rates for two versions of a function
 * that are both targets of a weighted alias", Lambda developer guide, function metrics); the
 * alarms read those, with the version the alias shifts to.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type ILambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Shared by every function: one CodeDeploy application and one service role per stack. */
export interface CanaryDeploymentTarget {
  readonly application: ILambdaApplication;
  readonly role: IRole;
}

export interface CanaryReleaseProps {
  readonly alias: Alias;
  readonly timeout: Duration;
  readonly target: CanaryDeploymentTarget;
}

/** What to do when one of the rollback alarms fired. */
export const CANARY_RUNBOOK = 'docs/runbooks/canary-rollback.md';

/** p99 above this share of the timeout means the new version is about to time out. */
const LATENCY_SHARE_OF_TIMEOUT = 0.8;

/** `fn:live`, as the `Resource` dimension of the alias's metrics names it (and as alarm descriptions say it). */
export const aliasResource = (alias: Alias): string => `${alias.lambda.functionName}:${alias.aliasName}`;

/**
 * A Lambda metric (namespace `AWS/Lambda`) of the invocations of `alias` that its new version ran:
 * the version the alias points to (`alias.version`, the function's current version), which is the
 * one CodeDeploy shifts traffic to.
 */
export function newVersionMetric(
  alias: Alias,
  metricName: string,
  options: { readonly statistic: string; readonly period: Duration },
): Metric {
  return new Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: {
      FunctionName: alias.lambda.functionName,
      Resource: aliasResource(alias),
      ExecutedVersion: alias.version.version,
    },
    ...options,
  });
}

export class CanaryRelease extends Construct {
  readonly deploymentGroup: LambdaDeploymentGroup;
  readonly errorAlarm: Alarm;
  readonly latencyAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    const { alias, timeout, target } = props;
    const minute = Duration.minutes(1);
    const released = `${aliasResource(alias)} (new version)`;

    // Handlers map expected failures to 4xx responses or partial batch failures, so a
    // Lambda error is an unhandled crash or a timeout: a single one is worth a rollback.
    // (A queue consumer's failed messages are no Lambda error: lib/cdk/failed-message-alarms.ts.)
    this.errorAlarm = new Alarm(this, 'Errors', {
      alarmDescription: `${released} threw or timed out (runbook ${CANARY_RUNBOOK})`,
      metric: newVersionMetric(alias, 'Errors', { period: minute, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.latencyAlarm = new Alarm(this, 'LatencyP99', {
      alarmDescription: `${released} p99 duration above ${LATENCY_SHARE_OF_TIMEOUT * 100}% of its timeout (runbook ${CANARY_RUNBOOK})`,
      metric: newVersionMetric(alias, 'Duration', { period: minute, statistic: 'p99' }),
      threshold: Math.round(timeout.toMilliseconds() * LATENCY_SHARE_OF_TIMEOUT),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.deploymentGroup = new LambdaDeploymentGroup(this, 'Deployment', {
      application: target.application,
      role: target.role,
      alias,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [this.errorAlarm, this.latencyAlarm],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
  }

  /** Adds an alarm (e.g. the depth of a dead-letter queue the function feeds) to roll back on. */
  addRollbackAlarm(alarm: IAlarm): void {
    this.deploymentGroup.addAlarm(alarm);
  }
}
