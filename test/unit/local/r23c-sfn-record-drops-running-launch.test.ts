// Review round 23: this test failed at dfdd2c4.
/**
 * Review round 23 (c): the local Step Functions record keeps only the newest 1,000 executions
 * (`save`: `[...executions.values()].slice(-1000)`, lib/local/step-functions.ts), whatever their
 * status. A launch still RUNNING (a big audience pages for hours: docs/ARCHITECTURE.md, 1.9 h for a
 * million) is dropped from `executions.json` as soon as 1,000 executions started after it (other
 * launches, scheduled slots, resumes). The next start then does not run it again, though
 * docs/ARCHITECTURE.md promises "An execution interrupted by a stop or a kill is re-run from its
 * input at the next start": the rest of its audience is never enrolled, and DescribeExecution
 * answers ExecutionDoesNotExist, so `GET .../launches/{id}` marks it failed, not resumable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { stateMachines } from '../../../lib/definition';
import { localClientConfig } from '../../../lib/local/emulators/local-aws';
import type { FunctionHost } from '../../../lib/local/function-host';
import { type LocalStepFunctions, localStateMachineArn, startStepFunctions } from '../../../lib/local/step-functions';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MACHINE = localStateMachineArn('campaign-launch');
const started: LocalStepFunctions[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const executionArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const record = (name: string, status: 'RUNNING' | 'SUCCEEDED') => ({
  executionArn: executionArn(name),
  stateMachineArn: MACHINE,
  name,
  status,
  startDate: 1,
  ...(status === 'SUCCEEDED' ? { stopDate: 2, output: '{}' } : {}),
  input: JSON.stringify({ launch: name }),
});

/**
 * The audience task: the big launch's page never returns in the first run (it is still paging when
 * the runtime stops); every other input is a last page. Remembers what it was given.
 */
function functions(invoked: unknown[], { bigLaunchHangs }: { bigLaunchHangs: boolean }): FunctionHost {
  return {
    invoke: async (_name: string, input: unknown) => {
      invoked.push(input);
      if (bigLaunchHangs && (input as { launch?: string }).launch === 'big-launch') {
        // Still paging when the runtime stops: never answers in this run.
        await new Promise<void>(() => undefined);
      }
      return { ...(input as object), done: true };
    },
  } as unknown as FunctionHost;
}

describe('the local Step Functions record (review round 23)', () => {
  it('re-runs at the next start a launch still running when 1,000 newer executions were recorded', async () => {
    // Prepare: the record as a runtime left it: the big launch RUNNING, 999 executions after it done
    // (1,000 entries: what the runtime itself writes).
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'r23c-sfn-'));
    dirs.push(dataDir);
    const file = path.join(dataDir, 'stepfunctions', 'executions.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const done = Array.from({ length: 999 }, (_, i) => record(`slot-${i}`, 'SUCCEEDED'));
    fs.writeFileSync(file, JSON.stringify([record('big-launch', 'RUNNING'), ...done]));
    const firstRun: unknown[] = [];
    const first = await startStepFunctions({
      root: ROOT,
      dataDir,
      declarations: stateMachines,
      functions: functions(firstRun, { bigLaunchHangs: true }),
      log: () => undefined,
    });
    started.push(first);
    const client = new SFNClient(localClientConfig(first.endpoint));
    // The big launch was resumed from its input and is paging.
    await expect.poll(() => firstRun).toContainEqual({ launch: 'big-launch' });

    // Act: one more launch starts (a scheduled slot) and ends, then the runtime stops.
    await client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'one-more', input: JSON.stringify({ launch: 'x' }) }),
    );
    await expect
      .poll(
        async () =>
          (await client.send(new DescribeExecutionCommand({ executionArn: executionArn('one-more') }))).status,
      )
      .toBe('SUCCEEDED');
    client.destroy();
    await first.stop();
    started.splice(started.indexOf(first), 1);

    const secondRun: unknown[] = [];
    const second = await startStepFunctions({
      root: ROOT,
      dataDir,
      declarations: stateMachines,
      functions: functions(secondRun, { bigLaunchHangs: false }),
      log: () => undefined,
    });
    started.push(second);
    await second.idle();

    // Assess: the launch interrupted by the stop is run again from its input, and still exists.
    expect(secondRun, 'the RUNNING launch was dropped from executions.json and not re-run').toContainEqual({
      launch: 'big-launch',
    });
    const again = new SFNClient(localClientConfig(second.endpoint));
    const described = await again
      .send(new DescribeExecutionCommand({ executionArn: executionArn('big-launch') }))
      .then((d) => d.status as string)
      .catch((error: Error) => error.name);
    again.destroy();
    expect(described).toBe('SUCCEEDED');
  });
});
