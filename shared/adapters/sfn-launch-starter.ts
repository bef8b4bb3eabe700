/** Starts campaign launch executions; the execution name is the launch id (`-r<n>` for a resume). */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { LaunchStarter } from '../campaigns/ports';
import { launchPayload } from '../campaigns/resume-launch';

export function sfnLaunchStarter(client: SFNClient, stateMachineArn: string): LaunchStarter {
  return {
    async start({ attempt, ...input }) {
      // A resume is an execution of its own (names are unique for 90 days), starting at the page that failed.
      const name = attempt ? `${input.launchId.slice(0, 72)}-r${attempt}` : input.launchId.slice(0, 80);
      const payload = launchPayload(input);
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(payload) }));
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}
