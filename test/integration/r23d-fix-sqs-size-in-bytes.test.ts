// Review round 23 (r23d, the fix), on the local SQS emulator: it refuses a message over its queue's
// MaximumMessageSize counted in the UTF-8 bytes it received, as SQS does (local-aws-sqs counts UTF-16
// units, so 400,000 `€`, 1.2 MB, passed a 1 MiB queue): SendMessage answers `InvalidParameterValue`
// ("Message must be shorter than N bytes"), a batch entry fails with that code while the others are
// sent, and a batch over 1 MiB in all is `BatchRequestTooLong`. What the SDK throws for it is what
// `isSqsSizeRefusal` knows, so the email-sends queue makes such a send an `UnqueueableSendError`
// (alone, or an entry of the drip steps' coalesced batch).
import {
  BatchRequestTooLong,
  CreateQueueCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_MAX_MESSAGE_BYTES } from '../../lib/definition/queues';
import { withCoalescedSends } from '../../shared/adapters/sqs/coalesced-sends';
import { sqsEmailSends } from '../../shared/adapters/sqs-email-sends';
import { isSqsSizeRefusal, withSqsSafeBodies } from '../../shared/aws/sqs-message-text';
import { type EmailSendMessage, UnqueueableSendError } from '../../shared/email/send-request';
import { bodiesIn, type SqsHarness, startSqsEmulator } from '../support/sqs-emulator';

let sqsHarness: SqsHarness;
/** A client without the escaping: what any other sender would send. */
let raw: SQSClient;
let safe: SQSClient;
beforeAll(async () => {
  sqsHarness = await startSqsEmulator('r23d-sqs-size-');
  raw = sqsHarness.client({ maxAttempts: 1 });
  safe = withSqsSafeBodies(sqsHarness.client({ maxAttempts: 1 }));
});
afterAll(() => sqsHarness?.stop());

const queue = async (name: string, maxBytes: number) =>
  (await raw.send(new CreateQueueCommand({ QueueName: name, Attributes: { MaximumMessageSize: String(maxBytes) } })))
    .QueueUrl as string;

/** A single send message (only `sendId` matters to the queue adapter) carrying `html`. */
const sendOf = (html: string) => ({ sendId: 's1', html }) as unknown as EmailSendMessage;

describe('r23d-fix: the local SQS emulator counts a message in bytes, as SQS does', () => {
  it('SendMessage over the queue’s limit in UTF-8 bytes (under it in characters): InvalidParameterValue', async () => {
    const url = await queue('size-single', QUEUE_MAX_MESSAGE_BYTES);
    const refused = await raw
      .send(new SendMessageCommand({ QueueUrl: url, MessageBody: '€'.repeat(400_000) }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe(
      `One or more parameters are invalid. Reason: Message must be shorter than ${QUEUE_MAX_MESSAGE_BYTES} bytes.`,
    );
    expect(isSqsSizeRefusal(refused)).toBe(true);
    // At the limit exactly: taken.
    const fits = '€'.repeat(Math.floor(QUEUE_MAX_MESSAGE_BYTES / 3));
    await raw.send(new SendMessageCommand({ QueueUrl: url, MessageBody: fits }));
    expect(await bodiesIn(raw, url)).toStrictEqual([fits]);
  });

  it('counts the attributes’ names, types and values too', async () => {
    const url = await queue('size-attributes', 1024);
    const refused = await raw
      .send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x'.repeat(1000),
          MessageAttributes: { note: { DataType: 'String', StringValue: '€'.repeat(10) } },
        }),
      )
      .catch((e: unknown) => e);
    expect(isSqsSizeRefusal(refused)).toBe(true);
  });

  it('SendMessageBatch: an entry over the limit fails with InvalidParameterValue, the others are sent', async () => {
    const url = await queue('size-batch', 1024);
    const out = await raw.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'ok' },
          { Id: 'big', MessageBody: '€'.repeat(400) },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toStrictEqual(['a']);
    expect(out.Failed).toStrictEqual([
      expect.objectContaining({
        Id: 'big',
        Code: 'InvalidParameterValue',
        Message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
        SenderFault: true,
      }),
    ]);
    expect(await bodiesIn(raw, url)).toStrictEqual(['ok']);
  });

  it('a batch over 1 MiB in UTF-8 bytes is refused whole: BatchRequestTooLong', async () => {
    const url = await queue('size-batch-total', QUEUE_MAX_MESSAGE_BYTES);
    const half = '€'.repeat(200_000); // 600,000 bytes, 200,000 characters
    const refused = await raw
      .send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: half },
            { Id: 'b', MessageBody: half },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BatchRequestTooLong);
  });

  it('the email-sends queue: a send SQS refuses for its escaped size is unqueueable, alone or in a coalesced batch', async () => {
    const url = await queue('size-email-sends', QUEUE_MAX_MESSAGE_BYTES);
    // 200,000 U+FFFF: 600,000 bytes as UTF-8, 1,200,000 as the process's client sends them.
    const big = sendOf(`<p>${'\uFFFF'.repeat(200_000)}</p>`);
    await expect(sqsEmailSends(safe, url).send(big)).rejects.toBeInstanceOf(UnqueueableSendError);
    expect(await bodiesIn(raw, url)).toStrictEqual([]);

    const small = await queue('size-email-sends-batch', 2048);
    const coalesced = sqsEmailSends(withCoalescedSends(safe), small);
    const [ok, tooBig] = await Promise.allSettled([
      coalesced.send(sendOf('<p>Hi</p>')),
      coalesced.send(sendOf(`<p>${'\uFFFF'.repeat(500)}</p>`)), // ~1.5 KB as UTF-8, ~3 KB escaped
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(tooBig.status).toBe('rejected');
    expect((tooBig as PromiseRejectedResult).reason).toBeInstanceOf(UnqueueableSendError);
    expect((await bodiesIn(raw, small)).map((b) => JSON.parse(b as string).html)).toStrictEqual(['<p>Hi</p>']);
  });
});
