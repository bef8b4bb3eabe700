/**
 * The local AWS endpoints as an AWS CLI or SDK user meets them: fixed ports that survive a
 * restart, the state machine found through ListStateMachines/DescribeStateMachine with the real
 * `@aws-sdk/client-sfn`, and one fake account id in every ARN and queue URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, localClientConfig } from '../../lib/local/emulators/local-aws';
import { localPorts } from '../../lib/local/ports';
import type { Runtime } from '../../lib/local/runtime';
import { freePortBlock, startTestRuntime } from '../support/local-runtime';

/** Every endpoint a user could copy from the banner. */
const printed = (r: Runtime) => ({
  ...r.endpoints,
  ai: [r.ai.anthropic, r.ai.openrouter],
  outboxes: r.outboxes,
  queues: r.queues,
  stateMachines: r.stateMachines,
});

describe('fixed emulator ports', () => {
  it('puts every emulator on its port of the block, and a restart on the same ones', async () => {
    const base = await freePortBlock();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-ports-'));
    const ports = localPorts(base);
    const first = await startTestRuntime(dataDir, undefined, { emulatorBasePort: base, seed: false });
    const before = printed(first);
    await first.stop();

    const second = await startTestRuntime(dataDir, undefined, { emulatorBasePort: base, seed: false });
    const after = printed(second);
    await second.stop();

    expect(before.dynamodb).toBe(`http://127.0.0.1:${ports.dynamodb}`);
    expect(before.sqs).toBe(`http://127.0.0.1:${ports.sqs}`);
    expect(before.ses).toBe(`http://127.0.0.1:${ports.ses}`);
    expect(before.resend).toBe(`http://127.0.0.1:${ports.resend}`);
    expect(before.smtp).toMatch(new RegExp(`@127\\.0\\.0\\.1:${ports.smtp}$`));
    expect(before.outboxes.smtp).toBe(`http://127.0.0.1:${ports.smtpOutbox}/`);
    expect(before.stepFunctions).toBe(`http://127.0.0.1:${ports.stepFunctions}`);
    expect(before.eventBridge).toBe(`http://127.0.0.1:${ports.eventBridge}`);
    expect(before.scheduler).toBe(`http://127.0.0.1:${ports.scheduler}`);
    expect(before.ai[0]).toBe(`http://127.0.0.1:${ports.anthropic}`);
    expect(before.ai[1]).toBe(`http://127.0.0.1:${ports.openrouter}/api/v1`);
    expect(before.outboxes.all).toBe(`http://127.0.0.1:${ports.outbox}/`);
    expect(after).toEqual(before);
  });
});

describe('the local Step Functions endpoint', () => {
  let runtime: Runtime;
  let sfn: SFNClient;
  beforeAll(async () => {
    runtime = await startTestRuntime(undefined, undefined, { seed: false });
    sfn = new SFNClient(localClientConfig(runtime.endpoints.stepFunctions));
  });
  afterAll(async () => {
    sfn?.destroy();
    await runtime?.stop();
  });

  it('lists the campaign state machine under the ARN the functions start it with', async () => {
    const arn = runtime.stateMachines['campaign-launch'];

    const listed = await sfn.send(new ListStateMachinesCommand({}));

    expect(arn).toBe(`arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:unite-hub-local-campaign-launch`);
    expect(listed.stateMachines).toEqual([
      expect.objectContaining({ stateMachineArn: arn, name: 'unite-hub-local-campaign-launch', type: 'STANDARD' }),
    ]);
    expect(listed.stateMachines?.[0]?.creationDate).toBeInstanceOf(Date);
  });

  it('describes it with its definition, task ARNs filled in', async () => {
    const arn = runtime.stateMachines['campaign-launch'];

    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));

    expect(described).toMatchObject({ stateMachineArn: arn, status: 'ACTIVE', type: 'STANDARD' });
    const definition = JSON.parse(described.definition ?? '{}');
    expect(definition.StartAt).toBeDefined();
    expect(described.definition).not.toContain('${');
    expect(described.definition).toContain(`:${LOCAL_ACCOUNT}:function:unite-hub-local-`);
  });

  it('answers StateMachineDoesNotExist for another ARN, as the service does', async () => {
    const unknown = `arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:nope`;

    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknown }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
  });

  it('uses the one fake account id in queue URLs and every ARN', () => {
    // The functions' environment as the runtime set it: queue ARNs, the state machine, the scheduler role.
    const env = ['DRIP_STEPS_QUEUE_ARN', 'STATE_MACHINE_ARN', 'STEP_SCHEDULER_ROLE_ARN'].map(
      (name) => process.env[name],
    );
    const everything = JSON.stringify({ queues: runtime.queues, stateMachines: runtime.stateMachines, env });
    const accounts = new Set([...everything.matchAll(/(?::|\/)(\d{12})(?=[:/])/g)].map((m) => m[1]));

    expect(env.every((value) => value?.includes(`:${LOCAL_ACCOUNT}:`))).toBe(true);
    expect(accounts).toEqual(new Set([LOCAL_ACCOUNT]));
    for (const { url, dlqUrl } of Object.values(runtime.queues)) {
      expect(url).toContain(`/${LOCAL_ACCOUNT}/`);
      expect(dlqUrl).toContain(`/${LOCAL_ACCOUNT}/`);
    }
  });
});
