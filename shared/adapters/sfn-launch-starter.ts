/** Starts campaign launch executions; the execution name is the launch id (unique for 90 days). */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { LaunchStarter } from '../campaigns/ports';

export function sfnLaunchStarter(client: SFNClient, stateMachineArn: string): LaunchStarter {
  return {
    async start(input) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: input.launchId.slice(0, 80),
            input: JSON.stringify(input),
          }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}
