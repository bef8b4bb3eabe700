/**
 * `npm run dlq:redrive` against the local SQS emulator: dead letters of a declared queue go back
 * to it (bounded by --max, counted by --dry-run without moving), bodies and attributes intact;
 * unknown names are refused with the declared ones listed; with no runtime running the tool opens
 * the data directory's own emulator and the move survives in its snapshot.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../lib/definition';
import { ensureQueues, type LocalQueue, localClientConfig } from '../../lib/local/emulators';
import { startSqs } from '../../lib/local/emulators/sqs-server';
import { depth, moveByMessages } from '../../lib/ops/dlq-redrive';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'bin/dlq-redrive.ts', ...args], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let dataDir: string;
let emulator: { endpoint: string; stop(): Promise<void> };
let sqs: SQSClient;
let local: Record<string, LocalQueue>;

const deadLetters = async (queue: LocalQueue, count: number, tag: string) => {
  for (let i = 0; i < count; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.dlqUrl,
        Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({ tag, n: i + j }),
          MessageAttributes: { reason: { DataType: 'String', StringValue: 'poison' } },
        })),
      }),
    );
  }
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dlq-redrive-'));
  emulator = await startSqs({
    file: join(dataDir, 'sqs.json'),
    host: '127.0.0.1',
    port: 0,
    snapshotIntervalMs: 60_000,
    log: () => {},
  });
  sqs = new SQSClient(localClientConfig(emulator.endpoint));
  local = await ensureQueues(sqs, queues, 'unite-hub-local-');
});
afterAll(async () => {
  sqs?.destroy();
  await emulator?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('dlq:redrive on a running local SQS', () => {
  it('moves every dead letter back with its body and attributes', async () => {
    const q = local['ai-calls'] as LocalQueue;
    await deadLetters(q, 23, 'all');
    const moved = await moveByMessages(sqs, { queueUrl: q.url, dlqUrl: q.dlqUrl });
    expect(moved).toEqual({ moved: 23, failed: 0 });
    expect((await depth(sqs, q.dlqUrl)).visible).toBe(0);
    const back = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 0,
      }),
    );
    const first = back.Messages?.[0];
    expect(JSON.parse(first?.Body ?? '{}')).toMatchObject({ tag: 'all' });
    expect(first?.MessageAttributes?.reason?.StringValue).toBe('poison');
  });

  it('counts on --dry-run, moves at most --max, and prints the counts', async () => {
    const q = local['score-recompute'] as LocalQueue;
    await deadLetters(q, 15, 'bounded');
    const dry = await cli(['score-recompute', '--dry-run', '--endpoint', emulator.endpoint]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/15 message\(s\) visible/);
    expect(dry.stdout).toMatch(/Dry run: would move 15/);
    expect((await depth(sqs, q.dlqUrl)).visible).toBe(15);

    const some = await cli(['score-recompute', '--max', '12', '--endpoint', emulator.endpoint]);
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toMatch(/Moved 12 message\(s\) to unite-hub-local-score-recompute/);
    expect((await depth(sqs, q.dlqUrl)).visible + (await depth(sqs, q.dlqUrl)).inFlight).toBe(3);
    expect((await depth(sqs, q.url)).visible).toBe(12);
  });

  it('refuses an unknown queue, naming the declared ones', async () => {
    const out = await cli(['drip-stepz', '--endpoint', emulator.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Unknown queue "drip-stepz"');
    for (const q of queues) expect(out.stderr).toContain(q.name);
  });
});

describe('dlq:redrive on a data directory with no runtime', () => {
  it('opens its emulator, moves the messages and leaves them in its snapshot', async () => {
    // Prepare: a data directory whose snapshot holds 4 dead letters of email-sends.
    const dir = await mkdtemp(join(tmpdir(), 'dlq-redrive-dir-'));
    try {
      const own = await startSqs({
        file: join(dir, 'sqs.json'),
        host: '127.0.0.1',
        port: 0,
        snapshotIntervalMs: 60_000,
        log: () => {},
      });
      const client = new SQSClient(localClientConfig(own.endpoint));
      const made = await ensureQueues(client, queues, 'unite-hub-local-');
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: made['email-sends']?.dlqUrl,
          Entries: [0, 1, 2, 3].map((n) => ({ Id: String(n), MessageBody: `{"n":${n}}` })),
        }),
      );
      client.destroy();
      await own.stop();

      // Act
      const out = await cli(['email-sends'], { DATA_DIR: dir });

      // Assess: moved, and still there when the directory's emulator starts again.
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/Moved 4 message\(s\) to unite-hub-local-email-sends/);
      const again = await startSqs({
        file: join(dir, 'sqs.json'),
        host: '127.0.0.1',
        port: 0,
        snapshotIntervalMs: 60_000,
        log: () => {},
      });
      const check = new SQSClient(localClientConfig(again.endpoint));
      const urls = await ensureQueues(check, queues, 'unite-hub-local-');
      expect((await depth(check, urls['email-sends']?.url as string)).visible).toBe(4);
      expect((await depth(check, urls['email-sends']?.dlqUrl as string)).visible).toBe(0);
      check.destroy();
      await again.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
