/**
 * Review round 13: this test failed at 3c0df96 (four 600 KB dead letters went back as one
 * SendMessageBatch of ~2.4 MB, refused with BatchRequestTooLong: nothing was moved).
 *
 * Review 13 (launch & timers), finding: `npm run dlq:redrive` cannot move dead letters whose
 * bodies together pass SendMessageBatch's 1 MiB limit.
 *
 * Severity: MEDIUM (operations: a DLQ holding a few large messages, e.g. email-sends messages,
 * which may be up to QUEUE_MAX_MESSAGE_BYTES = 1 MiB each, can never be redriven locally, nor in
 * the cloud with --max; every run fails at the same batch with BatchRequestTooLong and moves
 * nothing after it).
 * At fault: lib/ops/dlq-redrive.ts `moveByMessages`: the received batch (up to 10 messages of up
 * to 1 MiB each) is sent back as one SendMessageBatch whatever its size; the call's failure
 * throws out of the loop.
 * Suggested fix: split each received batch into calls within the 1 MiB payload limit (as
 * shared/adapters/sqs/coalesced-sends.ts `intoCalls` does), sending an oversized one alone.
 */
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../lib/definition';
import { ensureQueues, type LocalQueue } from '../../lib/local/emulators';
import { depth, moveByMessages } from '../../lib/ops/dlq-redrive';
import { type SqsHarness, startSqsEmulator } from '../support/sqs-emulator';

let sqsHarness: SqsHarness;
let sqs: SQSClient;
let local: Record<string, LocalQueue>;

beforeAll(async () => {
  sqsHarness = await startSqsEmulator('dlq-large-');
  sqs = sqsHarness.client();
  local = await ensureQueues(sqs, queues, 'unite-hub-local-');
});
afterAll(() => sqsHarness?.stop());

describe('dlq:redrive with large dead letters', () => {
  it('moves four 600 KB dead letters back (each within the queue limit, any two over a batch)', async () => {
    const q = local['email-sends'] as LocalQueue;
    const body = (n: number) => JSON.stringify({ n, html: 'x'.repeat(600_000) });
    for (let n = 0; n < 4; n++) await sqs.send(new SendMessageCommand({ QueueUrl: q.dlqUrl, MessageBody: body(n) }));

    // Failed at 3c0df96: the four went back as one SendMessageBatch of ~2.4 MB, refused with
    // BatchRequestTooLong, and the error ended the move.
    const moved = await moveByMessages(sqs, { queueUrl: q.url, dlqUrl: q.dlqUrl }).catch((e: Error) => e);
    expect(moved).toEqual({ moved: 4, failed: 0 });
    expect((await depth(sqs, q.url)).visible).toBe(4);
  });

  it('resends only the entries SQS refused on its side, leaves the sender-fault ones, deletes only what was sent', async () => {
    const q = local['ai-calls'] as LocalQueue;
    for (let n = 0; n < 6; n++) await sqs.send(new SendMessageCommand({ QueueUrl: q.dlqUrl, MessageBody: `m${n}` }));
    // m1 refused once on SQS's side (sent on the second try), m4 refused as the sender's fault (every time).
    const refusedOnce = new Set(['m1']);
    const bodiesSent: string[][] = [];
    const flaky = new Proxy(sqs, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: unknown) => {
              if (!(command instanceof SendMessageBatchCommand)) return target.send(command as never);
              const entries = command.input.Entries ?? [];
              bodiesSent.push(entries.map((e) => e.MessageBody as string));
              const refuse = (body: string) => body === 'm4' || refusedOnce.delete(body);
              const refused = entries.filter((e) => refuse(e.MessageBody as string));
              const taken = entries.filter((e) => !refused.includes(e));
              const out = (await target.send(
                new SendMessageBatchCommand({ QueueUrl: command.input.QueueUrl, Entries: taken }),
              )) as SendMessageBatchCommandOutput;
              return {
                ...out,
                Failed: refused.map((e) => ({
                  Id: e.Id,
                  Code: e.MessageBody === 'm4' ? 'InvalidParameterValue' : 'InternalError',
                  SenderFault: e.MessageBody === 'm4',
                })),
              };
            }
          : Reflect.get(target, prop, receiver),
    });

    const moved = await moveByMessages(flaky, { queueUrl: q.url, dlqUrl: q.dlqUrl });
    expect(moved).toEqual({ moved: 5, failed: 1 });
    // The second try carried m1 alone: nothing SQS took went twice.
    expect(bodiesSent.slice(1)).toEqual([['m1']]);
    expect((await depth(sqs, q.url)).visible).toBe(5);
    const back = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    expect((back.Messages ?? []).map((m) => m.Body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm5']);
    // m4 was never deleted: still in the DLQ (hidden by the run's receive until its visibility ends).
    expect((await depth(sqs, q.dlqUrl)).inFlight).toBe(1);
  });

  it('goes on past a call SQS refuses as a whole, leaving its messages in the DLQ', async () => {
    const q = local['score-recompute'] as LocalQueue;
    for (let n = 0; n < 3; n++)
      await sqs.send(new SendMessageCommand({ QueueUrl: q.dlqUrl, MessageBody: `${n}:${'y'.repeat(200_000)}` }));
    const refusing = new Proxy(sqs, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: unknown) => {
              if (
                command instanceof SendMessageBatchCommand &&
                command.input.Entries?.[0]?.MessageBody?.startsWith('1:')
              ) {
                throw Object.assign(new Error('refused'), {
                  name: 'AWS.SimpleQueueService.BatchRequestTooLong',
                  $metadata: { httpStatusCode: 400 },
                });
              }
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });
    const moved = await moveByMessages(refusing, { queueUrl: q.url, dlqUrl: q.dlqUrl });
    expect(moved).toEqual({ moved: 2, failed: 1 });
    const back = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    expect((back.Messages ?? []).map((m) => m.Body?.slice(0, 2)).sort()).toEqual(['0:', '2:']);
    expect((await depth(sqs, q.dlqUrl)).inFlight).toBe(1);
  });
});
