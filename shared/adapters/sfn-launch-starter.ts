/**
 * Starts campaign launch executions and reads how they ended; the execution name is the launch
 * id (`-r<n>` for its n-th resume).
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { LaunchExecutionOutcome, LaunchExecutions, LaunchStarter } from '../campaigns/ports';
import { launchPayload } from '../campaigns/resume-launch';

/** A resume is an execution of its own (names are unique for 90 days, at most 80 characters). */
const executionName = (launchId: string, attempt: number | undefined) =>
  attempt ? `${launchId.slice(0, 72)}-r${attempt}` : launchId.slice(0, 80);

export function sfnLaunchStarter(client: SFNClient, stateMachineArn: string): LaunchStarter {
  return {
    async start(input) {
      const name = executionName(input.launchId, input.attempt);
      const payload = launchPayload(input);
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(payload) }));
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}

const OUTCOMES: Record<string, LaunchExecutionOutcome['status']> = {
  RUNNING: 'running',
  PENDING_REDRIVE: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  ABORTED: 'aborted',
};

export function sfnLaunchExecutions(client: SFNClient, stateMachineArn: string): LaunchExecutions {
  // arn:aws:states:<region>:<account>:stateMachine:<name> -> ...:execution:<name>:<execution>
  const executionArn = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    async outcome(launchId, attempt) {
      try {
        const out = await client.send(
          new DescribeExecutionCommand({ executionArn: executionArn(executionName(launchId, attempt)) }),
        );
        return {
          status: OUTCOMES[out.status ?? ''] ?? 'running',
          ...(out.error ? { error: out.error.slice(0, 100) } : {}),
        };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return { status: 'missing' };
        throw error;
      }
    },
  };
}
