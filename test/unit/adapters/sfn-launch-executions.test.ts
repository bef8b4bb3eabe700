import { type DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { sfnLaunchExecutions } from '../../../shared/adapters/sfn-launch-starter';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:campaign-launch';

function client(answer: (arn: string) => unknown) {
  const asked: string[] = [];
  const sfn = {
    async send(command: DescribeExecutionCommand) {
      const arn = String(command.input.executionArn);
      asked.push(arn);
      return answer(arn);
    },
  } as unknown as SFNClient;
  return { sfn, asked };
}

describe('a launch execution read back', () => {
  it("names the attempt's execution as it was started, and says how it ended", async () => {
    const { sfn, asked } = client(() => ({ status: 'ABORTED' }));
    const executions = sfnLaunchExecutions(sfn, MACHINE);
    expect(await executions.outcome('launch-1', 0)).toEqual({ status: 'aborted' });
    expect(await executions.outcome('launch-1', 2)).toEqual({ status: 'aborted' });
    expect(asked).toEqual([
      'arn:aws:states:us-east-1:123456789012:execution:campaign-launch:launch-1',
      'arn:aws:states:us-east-1:123456789012:execution:campaign-launch:launch-1-r2',
    ]);
  });

  it('keeps the error name of a failed execution, and reads a pending redrive as running', async () => {
    const failed = sfnLaunchExecutions(client(() => ({ status: 'FAILED', error: 'States.TaskFailed' })).sfn, MACHINE);
    expect(await failed.outcome('l', 0)).toEqual({ status: 'failed', error: 'States.TaskFailed' });
    const pending = sfnLaunchExecutions(client(() => ({ status: 'PENDING_REDRIVE' })).sfn, MACHINE);
    expect(await pending.outcome('l', 0)).toEqual({ status: 'running' });
  });

  it('answers missing for an execution the service does not know, and throws anything else', async () => {
    const missing = sfnLaunchExecutions(
      client(() => {
        throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
      }).sfn,
      MACHINE,
    );
    expect(await missing.outcome('l', 0)).toEqual({ status: 'missing' });
    const throttled = sfnLaunchExecutions(
      client(() => {
        throw new Error('ThrottlingException');
      }).sfn,
      MACHINE,
    );
    await expect(throttled.outcome('l', 0)).rejects.toThrow('ThrottlingException');
  });
});
