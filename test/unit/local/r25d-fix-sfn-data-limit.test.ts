// Review round 25 (fixer d): the local Step Functions mirror the service's 256 KiB payload limit.
/**
 * An execution input over 262,144 bytes is refused by StartExecution (ValidationException), and a
 * task whose result is over it fails (States.DataLimitExceeded, retried as the definition says, then
 * the execution fails), never passed on: what fails in
 * the cloud fails locally.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateMachines } from '../../../lib/definition';
import { localClientConfig } from '../../../lib/local/emulators/local-aws';
import type { FunctionHost } from '../../../lib/local/function-host';
import { type LocalStepFunctions, localStateMachineArn, startStepFunctions } from '../../../lib/local/step-functions';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MACHINE = localStateMachineArn('campaign-launch');
const started: LocalStepFunctions[] = [];
const dirs: string[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of started.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function start(result: (input: unknown) => unknown) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'r25d-fix-sfn-'));
  dirs.push(dataDir);
  const functions = { invoke: async (_name: string, input: unknown) => result(input) } as unknown as FunctionHost;
  const sfn = await startStepFunctions({
    root: ROOT,
    dataDir,
    declarations: stateMachines,
    functions,
    log: () => undefined,
  });
  started.push(sfn);
  return { sfn, client: new SFNClient(localClientConfig(sfn.endpoint)) };
}

describe('local Step Functions and the 256 KiB limit (r25d fix)', () => {
  it('refuses an execution input over 262,144 bytes', async () => {
    const { client } = await start((input) => ({ ...(input as object), done: true }));
    const input = JSON.stringify({ pad: 'x'.repeat(262_144) });
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    client.destroy();
  });

  it('does not pass on a task result over the limit: the execution fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: unknown[] = [];
    const { sfn, client } = await start((input) => {
      seen.push(input);
      return { ...(input as object), done: true, pad: 'x'.repeat(300_000) };
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, input: JSON.stringify({ launch: 'big' }) }),
    );
    await sfn.idle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    // Whatever the definition does after the failure, the 300 KB result went nowhere.
    expect(JSON.stringify(described)).not.toContain('x'.repeat(1000));
    expect(seen.some((input) => JSON.stringify(input).includes('x'.repeat(1000)))).toBe(false);
    expect(described.status).toBe('FAILED');
    expect(described.cause).toContain("over Step Functions' 262144-byte limit");
    client.destroy();
  }, 90_000);
});
