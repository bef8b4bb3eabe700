// Review round 25 (fixer d): SQS delays kept in the local journal across a restart at a faster TIME_SCALE.
/**
 * A step timer under SQS's 15 minutes is a real-time DelaySeconds computed on the campaign clock
 * of the run that set it. Restored by a start whose clock runs faster, the rest of the delay is
 * shortened by the ratio of the scales (lib/local/clock-origin.ts sqsDelayFactor), so the step
 * comes when campaign time reaches it, not up to 15 real minutes (15 campaign hours at 3600x)
 * later; a start at the same or a slower scale keeps the delay (never longer: a provider's
 * real-time retry must not grow).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { sqsDelayFactor } from '../../lib/local/clock-origin';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { startSqs } from '../../lib/local/emulators/sqs-server';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Sends a message delayed 900 s, stops, restarts with `delayFactor`; whether it arrives within `seconds`. */
async function arrivesAfterRestart(delayFactor: number | undefined, seconds: number): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r25d-fix-sqs-'));
  dirs.push(dir);
  const file = path.join(dir, 'sqs.json');
  const start = () =>
    startSqs({
      file,
      host: '127.0.0.1',
      port: 0,
      snapshotIntervalMs: 60_000,
      log: () => undefined,
      ...(delayFactor !== undefined ? { delayFactor } : {}),
    });
  const first = await start();
  const sqs1 = new SQSClient(localClientConfig(first.endpoint));
  const url1 = (await sqs1.send(new CreateQueueCommand({ QueueName: 'steps' }))).QueueUrl as string;
  await sqs1.send(new SendMessageCommand({ QueueUrl: url1, MessageBody: '{"step":1}', DelaySeconds: 900 }));
  sqs1.destroy();
  await first.stop();
  const second = await start();
  const sqs2 = new SQSClient(localClientConfig(second.endpoint));
  try {
    const url2 = (await sqs2.send(new CreateQueueCommand({ QueueName: 'steps' }))).QueueUrl as string;
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const got = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: url2, WaitTimeSeconds: 1 }));
      if (got.Messages?.length) return true;
    }
    return false;
  } finally {
    sqs2.destroy();
    await second.stop();
  }
}

describe('delayed SQS messages restored at another TIME_SCALE (r25d fix)', () => {
  it('shortens the rest of a delay by the ratio of the scales when the restart runs faster', async () => {
    expect(await arrivesAfterRestart(1 / 3600, 4)).toBe(true);
  }, 30_000);

  it('keeps the delay at the same scale', async () => {
    expect(await arrivesAfterRestart(undefined, 2)).toBe(false);
  }, 30_000);

  it('takes the factor from the last run clock.json: faster shortens, slower or none keeps', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r25d-fix-factor-'));
    dirs.push(dir);
    expect(sqsDelayFactor(dir, 3600)).toBe(1);
    const now = Date.now();
    fs.writeFileSync(
      path.join(dir, 'clock.json'),
      JSON.stringify({ realMs: now, clockMs: now, scale: 1, stoppedAtMs: now }),
    );
    expect(sqsDelayFactor(dir, 3600)).toBeCloseTo(1 / 3600);
    expect(sqsDelayFactor(dir, 1)).toBe(1);
    fs.writeFileSync(
      path.join(dir, 'clock.json'),
      JSON.stringify({ realMs: now, clockMs: now, scale: 60, stoppedAtMs: now }),
    );
    expect(sqsDelayFactor(dir, 1)).toBe(1);
    expect(sqsDelayFactor(dir, 120)).toBe(0.5);
  });
});
