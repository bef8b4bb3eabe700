/**
 * Timers of campaign steps. A step due within SQS's 15-minute delay goes back on the
 * drip-steps queue with `DelaySeconds`; a later one becomes one EventBridge Scheduler `at()`
 * schedule (deleted after it fires) whose target sends the same message to the queue. The
 * schedule's name is derived from the enrolment and step, so setting a timer twice creates
 * one schedule. The schedule's `at()` is the due time on the campaign clock (the wall clock in the
 * cloud; the local stand-in compares it with the runtime's campaign clock), while an SQS delay is
 * real time: it can only be short (15 real minutes), and a message that comes early is harmless
 * (below). Cancelling is lazy: a timer that fires after its enrolment moved on finds a
 * different step and does nothing (run-step.ts).
 */
import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StepMessage } from '../campaigns/messages';
import type { StepTimers } from '../campaigns/ports';
import type { Clock } from '../clock';

/** SQS holds a message back at most 15 minutes. */
export const MAX_SQS_DELAY_SECONDS = 900;

export interface ScheduleTarget {
  readonly group: string;
  readonly roleArn: string;
  readonly queueArn: string;
}

/** A schedule name (1-64 of [0-9a-zA-Z-_.]) unique per enrolment run and step. */
export const stepScheduleName = (m: StepMessage): string =>
  `step-${createHash('sha256')
    .update([m.workspaceId, m.campaignId, m.contactId, m.run, m.step].join('\u0000'))
    .digest('hex')
    .slice(0, 40)}`;

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second. */
export const atExpression = (at: Date): string =>
  `at(${new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;

export function stepTimers(deps: {
  sqs: SQSClient;
  queueUrl: string;
  scheduler: SchedulerClient;
  target: ScheduleTarget | undefined;
  clock: Clock;
}): StepTimers {
  return {
    async set(message, dueAt) {
      const delayMs = deps.clock.realDelayMs(dueAt);
      // Without a scheduler (the local runtime today) a long wait is a chain of 15-minute delays:
      // an early step finds its node still holding and sets the next link (run-step.ts).
      if (delayMs <= MAX_SQS_DELAY_SECONDS * 1000 || !deps.target) {
        await deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: deps.queueUrl,
            MessageBody: JSON.stringify(message),
            DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.ceil(delayMs / 1000)),
          }),
        );
        return;
      }
      // The due time as it is, a campaign time: in the cloud that is the wall clock's instant; the
      // local Scheduler stand-in reads it on the runtime's campaign clock, so a restart at another
      // TIME_SCALE still fires it when campaign time reaches it (a real instant fixed now would not).
      try {
        await deps.scheduler.send(
          new CreateScheduleCommand({
            Name: stepScheduleName(message),
            GroupName: deps.target.group,
            ScheduleExpression: atExpression(dueAt),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: { Arn: deps.target.queueArn, RoleArn: deps.target.roleArn, Input: JSON.stringify(message) },
          }),
        );
      } catch (error) {
        // Set already (a retried step): the one schedule stands.
        if (!(error instanceof ConflictException)) throw error;
      }
    },
  };
}
