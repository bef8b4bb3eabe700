/** Stop and start again on the same data dir: what was written, queued or sent is still there. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { startTestRuntime } from '../support/local-runtime';

describe('restart', () => {
  it('stops in a few seconds, however long the queue pollers wait (Ctrl-C of npm start)', async () => {
    // As `npm start` runs it (emulators on their worker), with long polls a stop must not wait out.
    const runtime = await startTestRuntime(undefined, undefined, {
      emulators: 'worker',
      seed: false,
      pollWaitSeconds: 20,
    });
    await new Promise((r) => setTimeout(r, 500)); // every poller is inside its long poll

    const started = Date.now();
    await runtime.stop();

    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps table items, queued messages and sent mail across a stop and start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-restart-'));
    const first = await startTestRuntime(dataDir);
    try {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(first.endpoints.dynamodb)));
      await db.send(new PutCommand({ TableName: first.tables.core, Item: { pk: 'WS#r', sk: 'NOTE#1', text: 'kept' } }));
      const sqs = new SQSClient(localClientConfig(first.endpoints.sqs));
      // The DLQ has no consumer, so the message waits there for us.
      await sqs.send(
        new SendMessageCommand({ QueueUrl: first.queues['drip-steps']?.dlqUrl, MessageBody: '{"kept":true}' }),
      );
      const ses = new SESv2Client(localClientConfig(first.endpoints.ses));
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'no-reply@unite-hub.local',
          Destination: { ToAddresses: ['kept@example.com'] },
          Content: { Simple: { Subject: { Data: 'Kept across restarts' }, Body: { Text: { Data: 'hello' } } } },
        }),
      );
    } finally {
      await first.stop();
    }

    const second = await startTestRuntime(dataDir);
    try {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(second.endpoints.dynamodb)));
      const item = await db.send(new GetCommand({ TableName: second.tables.core, Key: { pk: 'WS#r', sk: 'NOTE#1' } }));
      expect(item.Item?.text).toBe('kept');
      const sqs = new SQSClient(localClientConfig(second.endpoints.sqs));
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: second.queues['drip-steps']?.dlqUrl, WaitTimeSeconds: 1 }),
      );
      expect(received.Messages?.map((m) => m.Body)).toEqual(['{"kept":true}']);
      const store = (await (await fetch(`${second.endpoints.ses}/store`)).json()) as {
        emails: Array<{ subject: string }>;
      };
      expect(store.emails.map((e) => e.subject)).toContain('Kept across restarts');
    } finally {
      await second.stop();
    }
  });
});
