/**
 * The local Step Functions record (`stepfunctions/executions.json`): replaced atomically, the
 * version before each write kept as `.prev`; a record that cannot be read is never taken as "no
 * executions" (which would silently forget the RUNNING ones the next start resumes): the previous
 * version is restored loudly, or the start fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { stateMachines } from '../../../lib/definition';
import { localClientConfig } from '../../../lib/local/emulators/local-aws';
import type { FunctionHost } from '../../../lib/local/function-host';
import {
  type LocalStepFunctions,
  localStateMachineArn,
  previousOf,
  startStepFunctions,
} from '../../../lib/local/step-functions';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MACHINE = localStateMachineArn('campaign-launch');
const started: LocalStepFunctions[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The task function answers "no more pages" to every input it gets, and remembers them. */
function fakeFunctions(invoked: unknown[]): FunctionHost {
  return {
    invoke: async (_name: string, input: unknown) => {
      invoked.push(input);
      return { ...(input as object), done: true };
    },
  } as unknown as FunctionHost;
}

async function start(dataDir: string, invoked: unknown[] = [], log: (l: string) => void = () => undefined) {
  const sfn = await startStepFunctions({
    root: ROOT,
    dataDir,
    declarations: stateMachines,
    functions: fakeFunctions(invoked),
    log,
  });
  started.push(sfn);
  return sfn;
}

const running = (name: string) => ({
  executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`,
  stateMachineArn: MACHINE,
  name,
  status: 'RUNNING',
  startDate: 1,
  input: JSON.stringify({ launch: name }),
});

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfn-record-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'stepfunctions'));
  return { dir, file: path.join(dir, 'stepfunctions', 'executions.json') };
}

describe('the local Step Functions record', () => {
  it('is replaced atomically, the version before each write kept as .prev', async () => {
    // Prepare
    const { dir, file } = scratch();
    const sfn = await start(dir);
    const client = new SFNClient(localClientConfig(sfn.endpoint));
    // Act
    await client.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'one', input: '{}' }));
    await sfn.idle();
    client.destroy();
    // Assess: the start wrote RUNNING, the end SUCCEEDED; .prev holds the RUNNING version.
    const now = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(now).toMatchObject([{ name: 'one', status: 'SUCCEEDED' }]);
    expect(JSON.parse(fs.readFileSync(previousOf(file), 'utf8'))).toMatchObject([{ name: 'one', status: 'RUNNING' }]);
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a torn record is moved aside and the previous version restored, loudly; its RUNNING launches resume', async () => {
    // Prepare: the previous version has a RUNNING launch, the record is torn mid-write.
    const { dir, file } = scratch();
    fs.writeFileSync(previousOf(file), JSON.stringify([running('resume-me')]));
    fs.writeFileSync(file, JSON.stringify([running('resume-me'), running('other')]).slice(0, 150));
    const lines: string[] = [];
    const invoked: unknown[] = [];
    // Act
    const sfn = await start(dir, invoked, (l) => lines.push(l));
    await sfn.idle();
    // Assess
    expect(lines.join('\n')).toMatch(/could not be read .* restored the previous version \(1 execution/);
    expect(invoked).toEqual([{ launch: 'resume-me' }]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject([{ name: 'resume-me', status: 'SUCCEEDED' }]);
    expect(fs.readdirSync(path.dirname(file)).some((n) => n.startsWith('executions.json.damaged-'))).toBe(true);
  });

  it('a torn record without a readable previous version fails the start instead of reading as no executions', async () => {
    // Prepare
    const { dir, file } = scratch();
    fs.writeFileSync(file, JSON.stringify([running('lost')]).slice(0, 40));
    // Act / Assess
    await expect(start(dir)).rejects.toThrow(/cannot be read .* no readable previous version/);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify([running('lost')]).slice(0, 40));
  });

  it('a missing record is no executions (first start)', async () => {
    const { dir, file } = scratch();
    await start(dir);
    expect(fs.existsSync(file)).toBe(false);
  });
});
