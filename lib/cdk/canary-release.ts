/**
 * Publishes a function through CodeDeploy: 10% of traffic on the new version for five
 * minutes, then all of it, rolled back automatically while any of its alarms fires.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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

/** p99 above this share of the timeout means the new version is about to time out. */
const LATENCY_SHARE_OF_TIMEOUT = 0.8;

export class CanaryRelease extends Construct {
  readonly deploymentGroup: LambdaDeploymentGroup;
  readonly errorAlarm: Alarm;
  readonly latencyAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    const { alias, timeout, target } = props;
    const minute = Duration.minutes(1);

    // Handlers map expected failures to 4xx responses or partial batch failures, so a
    // Lambda error is an unhandled crash or a timeout: a single one is worth a rollback.
    this.errorAlarm = new Alarm(this, 'Errors', {
      alarmDescription: `${alias.functionName}:live threw or timed out`,
      metric: alias.metricErrors({ period: minute, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.latencyAlarm = new Alarm(this, 'LatencyP99', {
      alarmDescription: `${alias.functionName}:live p99 duration above ${LATENCY_SHARE_OF_TIMEOUT * 100}% of its timeout`,
      metric: alias.metricDuration({ period: minute, statistic: 'p99' }),
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
