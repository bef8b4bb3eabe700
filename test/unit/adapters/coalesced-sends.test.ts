import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  BATCH_PAYLOAD_BYTES,
  SqsEntryRefusedError,
  withCoalescedSends,
} from '../../../shared/adapters/sqs/coalesced-sends';

type Call = { name: string; input: Record<string, unknown> };

/** A fake SQS client: records each call; `refuse(body)` names the entries SQS refuses. */
function fakeSqs(options: { refuse?: (body: string) => boolean; fail?: Error } = {}) {
  const calls: Call[] = [];
  let ids = 0;
  const client = {
    send: async (command: unknown) => {
      await new Promise((r) => setTimeout(r, 1));
      if (command instanceof SendMessageBatchCommand) {
        calls.push({ name: 'SendMessageBatch', input: command.input as unknown as Record<string, unknown> });
        if (options.fail) throw options.fail;
        const entries = (command.input as SendMessageBatchCommandInput).Entries ?? [];
        const refused = entries.filter((e) => options.refuse?.(e.MessageBody ?? ''));
        return {
          Successful: entries.filter((e) => !refused.includes(e)).map((e) => ({ Id: e.Id, MessageId: `m${++ids}` })),
          Failed: refused.map((e) => ({ Id: e.Id, Code: 'InvalidMessageContents', Message: 'bad', SenderFault: true })),
          $metadata: {},
        };
      }
      if (command instanceof SendMessageCommand) {
        calls.push({ name: 'SendMessage', input: command.input as unknown as Record<string, unknown> });
        if (options.fail) throw options.fail;
        return { MessageId: `m${++ids}`, $metadata: {} };
      }
      calls.push({ name: 'other', input: {} });
      return { QueueUrl: 'q', $metadata: {} };
    },
  };
  return { client: client as unknown as SQSClient, calls };
}

const message = (queue: string, body: string, extra: Record<string, unknown> = {}) =>
  new SendMessageCommand({ QueueUrl: queue, MessageBody: body, ...extra });

describe('withCoalescedSends', () => {
  it('sends the messages of one turn as batches of at most 10 per queue, keeping each delay', async () => {
    const { client, calls } = fakeSqs();
    const sqs = withCoalescedSends(client);
    const sent = await Promise.all([
      ...Array.from({ length: 13 }, (_, i) => sqs.send(message('a', `a${i}`, { DelaySeconds: i }))),
      sqs.send(message('b', 'b0')),
    ]);
    expect(sent.every((s) => typeof (s as { MessageId?: string }).MessageId === 'string')).toBe(true);
    const batches = calls.filter((c) => c.name === 'SendMessageBatch');
    expect(batches.map((c) => (c.input.Entries as unknown[]).length).sort()).toEqual([10, 3]);
    const entries = batches.flatMap((c) => c.input.Entries as Array<{ MessageBody: string; DelaySeconds?: number }>);
    expect(entries.find((e) => e.MessageBody === 'a7')?.DelaySeconds).toBe(7);
    // One message alone on its queue goes as a plain SendMessage.
    expect(calls.filter((c) => c.name === 'SendMessage').map((c) => c.input.MessageBody)).toEqual(['b0']);
  });

  it('rejects only the callers whose entries SQS refused', async () => {
    const { client } = fakeSqs({ refuse: (body) => body === 'bad' });
    const sqs = withCoalescedSends(client);
    const outcomes = await Promise.allSettled([
      sqs.send(message('a', 'ok1')),
      sqs.send(message('a', 'bad')),
      sqs.send(message('a', 'ok2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(SqsEntryRefusedError);
    expect(reason.code).toBe('InvalidMessageContents');
  });

  it('rejects every caller of a call that failed as a whole', async () => {
    const { client } = fakeSqs({ fail: new Error('network down') });
    const sqs = withCoalescedSends(client);
    const outcomes = await Promise.allSettled([sqs.send(message('a', '1')), sqs.send(message('a', '2'))]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason.message) : 'ok'))).toEqual([
      'network down',
      'network down',
    ]);
  });

  it('keeps each call under the batch payload limit and sends an oversized message alone', async () => {
    const { client, calls } = fakeSqs();
    const sqs = withCoalescedSends(client);
    const big = 'x'.repeat(100 * 1024);
    const huge = 'y'.repeat(BATCH_PAYLOAD_BYTES + 1);
    await Promise.all([...[1, 2, 3, 4].map(() => sqs.send(message('a', big))), sqs.send(message('a', huge))]);
    for (const call of calls.filter((c) => c.name === 'SendMessageBatch')) {
      const bytes = (call.input.Entries as Array<{ MessageBody: string }>).reduce(
        (n, e) => n + e.MessageBody.length,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(BATCH_PAYLOAD_BYTES);
    }
    expect(calls.filter((c) => c.name === 'SendMessage').map((c) => (c.input.MessageBody as string).length)).toEqual([
      huge.length,
    ]);
    expect(calls.filter((c) => c.name === 'SendMessageBatch')).toHaveLength(2);
  });

  it('passes other commands and FIFO messages through unchanged', async () => {
    const { client, calls } = fakeSqs();
    const sqs = withCoalescedSends(client);
    await Promise.all([
      sqs.send(new GetQueueUrlCommand({ QueueName: 'a' })),
      sqs.send(message('f.fifo', '1', { MessageGroupId: 'g' })),
      sqs.send(message('f.fifo', '2', { MessageGroupId: 'g' })),
    ]);
    expect(calls.map((c) => c.name).sort()).toEqual(['SendMessage', 'SendMessage', 'other']);
  });

  it('sends messages queued while a call is in flight together in the next round', async () => {
    const { client, calls } = fakeSqs();
    const sqs = withCoalescedSends(client);
    const first = sqs.send(message('a', 'first'));
    await new Promise((r) => setImmediate(r)); // the first round is in flight
    await Promise.all([first, ...[1, 2, 3].map((i) => sqs.send(message('a', `later${i}`)))]);
    expect(calls.map((c) => c.name)).toEqual(['SendMessage', 'SendMessageBatch']);
  });

  it('fails only the callers of a client that throws instead of rejecting, and keeps sending', async () => {
    let throwing = true;
    const { client: working } = fakeSqs();
    const client = {
      send: (command: unknown) => {
        if (throwing) throw new Error('thrown, not rejected');
        return working.send(command as SendMessageCommand);
      },
    } as unknown as SQSClient;
    const sqs = withCoalescedSends(client);
    const alone = await Promise.allSettled([sqs.send(message('a', 'alone'))]);
    const batch = await Promise.allSettled([sqs.send(message('a', '1')), sqs.send(message('a', '2'))]);
    expect([...alone, ...batch].map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    throwing = false;
    const later = await Promise.race([
      sqs.send(message('a', 'later')).then(() => 'sent'),
      new Promise((r) => setTimeout(() => r('stuck'), 1000)),
    ]);
    expect(later).toBe('sent');
  });

  it('sends a message queued the moment the previous round settles, however many turns later', async () => {
    const { client } = fakeSqs();
    const sqs = withCoalescedSends(client);
    const outcomes: string[] = [];
    for (let turns = 0; turns < 12; turns += 1) {
      // The next message is sent a few microtask turns after the previous one resolved.
      const next = sqs.send(message('a', `first ${turns}`)).then(async () => {
        for (let t = 0; t < turns; t += 1) await Promise.resolve();
        return sqs.send(message('a', `then ${turns}`));
      });
      outcomes.push(
        await Promise.race([
          next.then(() => 'sent'),
          new Promise<string>((r) => setTimeout(() => r(`stuck after ${turns} turns`), 500)),
        ]),
      );
    }
    expect(outcomes.filter((o) => o !== 'sent')).toEqual([]);
  });
});
