/**
 * Review round 21 (r21e): the local SQS emulator refuses the message bodies SQS refuses
 * (lib/local/emulators/sqs-compat.ts `withMessageContentsRule`): a character outside
 * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF makes a SendMessage answer
 * `InvalidMessageContents`, and a SendMessageBatch entry fail with that code while the others are
 * sent. The process's client (shared/aws/sqs-message-text.ts `withSqsSafeBodies`) sends the same
 * JSON escaped, and the consumer reads back the very value.
 */
import {
  CreateQueueCommand,
  InvalidMessageContents,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSqsSafeBodies } from '../../shared/aws/sqs-message-text';
import { bodiesIn, type SqsHarness, startSqsEmulator } from '../support/sqs-emulator';

let sqsHarness: SqsHarness;
/** A client without the escaping: what any other sender would send. */
let raw: SQSClient;
let safe: SQSClient;
beforeAll(async () => {
  sqsHarness = await startSqsEmulator('r21e-sqs-contents-');
  raw = sqsHarness.client({ maxAttempts: 1 });
  safe = withSqsSafeBodies(sqsHarness.client({ maxAttempts: 1 }));
});
afterAll(() => sqsHarness?.stop());

const queue = async (name: string) => (await raw.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;

describe('the local SQS emulator refuses what SQS refuses', () => {
  it('SendMessage with U+FFFF, U+FFFE, a lone surrogate or a control character: InvalidMessageContents', async () => {
    const url = await queue('contents-single');
    for (const body of ['{"n":"Zoe\uFFFF"}', 'x\uFFFE', 'lone \uD800', 'bell \u0007']) {
      const refused = await raw.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body })).catch((e) => e);
      expect(refused, JSON.stringify(body)).toBeInstanceOf(InvalidMessageContents);
      expect((refused as Error).message).toContain('#xE000-#xFFFD');
    }
    // Allowed: TAB, LF, CR, the BMP up to U+FFFD, astral characters (U+1FFFE included).
    await raw.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ok\t\n\r\uFFFD😀\u{1FFFE}' }));
    expect(await bodiesIn(raw, url)).toStrictEqual(['ok\t\n\r\uFFFD😀\u{1FFFE}']);
  });

  it('SendMessageBatch: the refused entries fail with InvalidMessageContents, the others are sent', async () => {
    const url = await queue('contents-batch');
    const out = await raw.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: '{"n":"Ada"}' },
          { Id: 'z', MessageBody: '{"n":"Zoe\uFFFF"}' },
          { Id: 'b', MessageBody: '{"n":"Bo"}' },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id).sort()).toStrictEqual(['a', 'b']);
    expect(out.Failed).toStrictEqual([
      expect.objectContaining({ Id: 'z', Code: 'InvalidMessageContents', SenderFault: true }),
    ]);
    expect((await bodiesIn(raw, url)).sort()).toStrictEqual(['{"n":"Ada"}', '{"n":"Bo"}']);

    const none = await raw.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'z', MessageBody: '\uFFFE' }] }),
    );
    expect(none.Successful ?? []).toStrictEqual([]);
    expect(none.Failed?.map((f) => f.Code)).toStrictEqual(['InvalidMessageContents']);
  });

  it('a batch SQS refuses whole is answered as before (ids not distinct)', async () => {
    const url = await queue('contents-batch-ids');
    const refused = await raw
      .send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: '\uFFFF' },
            { Id: 'a', MessageBody: 'ok' },
          ],
        }),
      )
      .catch((e) => e);
    expect((refused as Error).name).toBe('BatchEntryIdsNotDistinct');
  });

  it('the process’s client sends the same JSON escaped, and the consumer parses the very value', async () => {
    const url = await queue('contents-safe');
    const value = { firstName: 'Zoe\uFFFF', html: '<p>\uFFFE</p>' };
    await safe.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(value) }));
    const batch = await safe.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '0', MessageBody: JSON.stringify([value]) }] }),
    );
    expect(batch.Failed ?? []).toStrictEqual([]);
    const bodies = await bodiesIn(raw, url);
    expect(bodies).toHaveLength(2);
    const parsed = bodies.map((b) => JSON.parse(b as string));
    expect(parsed).toContainEqual(value);
    expect(parsed).toContainEqual([value]);
  });
});
