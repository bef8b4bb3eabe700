/**
 * Starts campaign launch executions and reads how they ended. The execution name is the launch id
 * (`-r<n>` for its n-th resume, `-c<k>` for the k-th execution its run continued as:
 * `launchExecutionName`, launch-chain.ts).
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { continuedAs, launchExecutionName, launchPayload } from '../campaigns/launch-chain';
import type { LaunchExecutionOutcome, LaunchExecutions, LaunchStarter } from '../campaigns/ports';

export function sfnLaunchStarter(client: SFNClient, stateMachineArn: string): LaunchStarter {
  return {
    async start(input) {
      // A resume is an execution of its own (names are unique for 90 days, at most 80 characters).
      const name = launchExecutionName(input.launchId, input.attempt);
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

/**
 * Links of a chain followed in one read at most. The read starts where the launch's last page ran,
 * so it normally reads one or two; past this many the answer is `running` (unknown: the record stands).
 */
const MAX_LINKS = 100;

export function sfnLaunchExecutions(client: SFNClient, stateMachineArn: string): LaunchExecutions {
  // arn:aws:states:<region>:<account>:stateMachine:<name> -> ...:execution:<name>:<execution>
  const executionArn = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  const describe = (name: string) => client.send(new DescribeExecutionCommand({ executionArn: executionArn(name) }));
  return {
    async outcome(launchId, attempt, chunk = 0) {
      let name = launchExecutionName(launchId, attempt, chunk);
      for (let link = 0; link < MAX_LINKS; link += 1) {
        let out: Awaited<ReturnType<typeof describe>>;
        try {
          out = await describe(name);
        } catch (error) {
          if (error instanceof ExecutionDoesNotExist) return { status: 'missing' };
          throw error;
        }
        // An execution that succeeded by continuing as new: the launch is where the next one is.
        const next = out.status === 'SUCCEEDED' ? continuedAs(out.output) : undefined;
        if (next) {
          name = next;
          continue;
        }
        return {
          status: OUTCOMES[out.status ?? ''] ?? 'running',
          ...(out.error ? { error: out.error.slice(0, 100) } : {}),
        };
      }
      return { status: 'running' };
    },
  };
}
