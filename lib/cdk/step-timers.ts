/**
 * Campaign step timers past SQS's 15-minute delay (shared/adapters/step-timers.ts): one-time
 * EventBridge Scheduler schedules in one group, each sending its step message to the
 * drip-steps queue through one role that Scheduler assumes.
 *
 * The group and the role live in the Data stack: a pending schedule is stored data (deleting
 * the group deletes every timer in it), and each schedule names the role by ARN, so a replaced
 * role would leave every pending timer unable to deliver. Both have fixed names for the same
 * reason as the tables, and the App stack references them by name (no cross-stack export).
 *
 * Functions declaring `setsStepTimers` get the three variables the adapter reads and may create
 * and delete schedules in that group only, and pass that role only to Scheduler.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { Construct } from 'constructs';
import { type QueueName, SERVICE_NAME } from '../definition';
import type { QueuePair } from './data-stack';
import type { HouseFunction } from './house-function';
import { oldestMessageAlarm } from './queue-alarms';
import { serviceAlarm } from './service-alarms';
import type { Stage, StageSettings } from './stage';

/** The queue the timers deliver to. */
export const STEP_TIMER_QUEUE = 'drip-steps' satisfies QueueName;

/** The variables shared/config.ts reads (STEP_SCHEDULE_GROUP, ...). */
export const STEP_TIMER_ENV = {
  group: 'STEP_SCHEDULE_GROUP',
  roleArn: 'STEP_SCHEDULER_ROLE_ARN',
  queueArn: 'DRIP_STEPS_QUEUE_ARN',
} as const;

/** What a function creating schedules calls; passing the role must be allowed to this service only. */
export const STEP_TIMER_ACTIONS = ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'] as const;
const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';

/** `unite-hub-prod-campaign-steps`; locally `unite-hub-local-campaign-steps`. */
export const stepScheduleGroupName = (stage: Stage): string => `${SERVICE_NAME}-${stage}-campaign-steps`;
/** The role EventBridge Scheduler assumes to deliver a timer. */
export const stepSchedulerRoleName = (stage: Stage): string => `${SERVICE_NAME}-${stage}-step-timers`;

export interface StepTimerResources {
  readonly group: ScheduleGroup;
  readonly role: Role;
}

/** Data stack: the group and the delivery role (sqs:SendMessage on drip-steps, nothing else). */
export function createStepTimerResources(
  scope: Construct,
  settings: StageSettings,
  queues: Readonly<Record<QueueName, QueuePair>>,
): StepTimerResources {
  const group = new ScheduleGroup(scope, 'campaign-steps-schedule-group', {
    scheduleGroupName: stepScheduleGroupName(settings.stage),
    removalPolicy: settings.removalPolicy,
  });
  const role = new Role(scope, 'step-timers-scheduler-role', {
    roleName: stepSchedulerRoleName(settings.stage),
    description: `${SERVICE_NAME} ${settings.stage}: EventBridge Scheduler delivers campaign step timers to ${STEP_TIMER_QUEUE}`,
    // Only schedules of this account may use it (confused-deputy guard).
    assumedBy: new ServicePrincipal(SCHEDULER_SERVICE, {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
  queues[STEP_TIMER_QUEUE].queue.grant(role, 'sqs:SendMessage');
  return { group, role };
}

/** The App stack's view: names and ARNs built from the fixed names, pinning no export. */
export interface StepTimerReference {
  readonly groupName: string;
  readonly schedulesArn: string;
  readonly roleArn: string;
  readonly queueArn: string;
}

export function referenceStepTimers(scope: Construct, stage: Stage, queue: Queue): StepTimerReference {
  const stack = Stack.of(scope);
  const groupName = stepScheduleGroupName(stage);
  return {
    groupName,
    schedulesArn: stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` }),
    roleArn: stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: stepSchedulerRoleName(stage),
    }),
    queueArn: queue.queueArn,
  };
}

/** Grants and environment of a function that declares `setsStepTimers`. */
export function grantStepTimers(fn: HouseFunction, timers: StepTimerReference): void {
  // A policy of its own, so the acknowledgement below covers these statements and nothing else.
  const policy = new Policy(fn, 'StepTimers', {
    roles: [fn.role],
    statements: [
      new PolicyStatement({ actions: [...STEP_TIMER_ACTIONS], resources: [timers.schedulesArn] }),
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [timers.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
      }),
    ],
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(fn).resolve(timers.schedulesArn))}]`,
    reason:
      'Schedule names are made at run time, one per enrolment step (stepScheduleName); the wildcard is the name within the one campaign-steps group, so no other group or schedule is reachable.',
  });
  fn.addEnvironment(STEP_TIMER_ENV.group, timers.groupName);
  fn.addEnvironment(STEP_TIMER_ENV.roleArn, timers.roleArn);
  fn.addEnvironment(STEP_TIMER_ENV.queueArn, timers.queueArn);
}

export interface CampaignAlarms {
  readonly oldestStep: Alarm;
  readonly enrolmentsFailed: Alarm;
}

/**
 * The campaign engine falling behind (a step waiting on drip-steps past the longest SQS delay:
 * the worker is stuck, throttled or failing) and enrolments it gave up on (the
 * `CampaignEnrolmentsFailed` EMF metric, namespace `UniteHub`, dimensions exactly {service,
 * stage}, as every application metric). Stage-wide, no canary rollback, no action (as the
 * service and email alarms).
 */
export function addCampaignAlarms(
  scope: Construct,
  stage: Stage,
  queues: Readonly<Record<QueueName, QueuePair>>,
): CampaignAlarms {
  return {
    oldestStep: oldestMessageAlarm(
      scope,
      stage,
      STEP_TIMER_QUEUE,
      queues[STEP_TIMER_QUEUE].queue,
      'campaign steps are late: drip-step-worker stuck, throttled or failing',
    ),
    enrolmentsFailed: serviceAlarm(scope, 'CampaignEnrolmentsFailedAlarm', {
      stage,
      metricName: 'CampaignEnrolmentsFailed',
      threshold: 1,
      description: `${SERVICE_NAME} ${stage}: campaign enrolments failed in the last 5 minutes (contacts left their journey on an error)`,
    }),
  };
}
