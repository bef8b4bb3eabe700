/**
 * The EventBridge Scheduler client, created once per process (endpoint: `AWS_ENDPOINT_URL_SCHEDULER`
 * locally). A schedule's target `Input` becomes the SQS message body when it fires, so it is made
 * SQS-safe here, as the SQS client does for its bodies (shared/aws/sqs-message-text.ts).
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { KeyedSha256 } from './keyed-sha256';
import { sqsSafeJson, withSafeText } from './sqs-message-text';

/** A CreateSchedule or UpdateSchedule input with its target's `Input` SQS-safe; any other as it is. */
export function schedulerSafeInput<T>(input: T): T {
  const { Target } = input as { Target?: { Input?: unknown } };
  if (typeof Target?.Input !== 'string') return input;
  const safe = sqsSafeJson(Target.Input);
  return safe === Target.Input ? input : { ...input, Target: { ...Target, Input: safe } };
}

/** `client`, each schedule's target `Input` made SQS-safe before anything else of its stack sees it. */
export const withSqsSafeInputs = (client: SchedulerClient): SchedulerClient => withSafeText(client, schedulerSafeInput);

export const scheduler = withSqsSafeInputs(new SchedulerClient({ sha256: KeyedSha256 }));
