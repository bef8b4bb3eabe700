// Review round 16: this test failed at 8e2e45f.
/**
 * Defect: a ChangeMessageVisibility counts as a receive in the local SQS emulator (and, since the
 * durability change, is journaled as one, so the inflated count also survives a kill). A consumer
 * that extends a message's visibility while it works (a heartbeat) or releases it early for a retry
 * (VisibilityTimeout 0) pushes it toward maxReceiveCount without receiving it: locally it lands in
 * the DLQ after one real receive, which AWS never does. AWS: ApproximateReceiveCount is the number of
 * receives; ChangeMessageVisibility does not change it, and only receives count toward the redrive.
 * Severity: LOW (no code of this repo calls ChangeMessageVisibility today; any tool or consumer that
 * does sees messages dead-lettered early and wrong counts, across restarts too).
 * Root cause: local-aws-sqs's Queue.changeVisibility (shared visibility routine increments the count);
 * lib/local/emulators/sqs-state.ts:SqsStateTracker.track wraps changeVisibility and journals that
 * inflated count as a receive ("which this package counts as one") instead of compensating.
 * Correct: after one receive, a visibility extension and a release, the next receive of the message
 * (from its queue, not the DLQ) reports ApproximateReceiveCount 2.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqsEmulator } from '../support/sqs-emulator';

let sqsHarness: SqsHarness;
let sqs: SQSClient;
beforeAll(async () => {
  sqsHarness = await startSqsEmulator('r16y-sqs-cv-');
  sqs = sqsHarness.client({ maxAttempts: 1 });
});
afterAll(() => sqsHarness?.stop());

describe('ChangeMessageVisibility and the receive count (review 16)', () => {
  it('does not count a visibility extension and a release as receives', async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'cv-dlq' }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'cv',
        Attributes: {
          VisibilityTimeout: '30',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
        },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: 'work' }));

    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    const handle = first.Messages?.[0]?.ReceiptHandle as string;
    expect(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    // A heartbeat extends the visibility, then the consumer gives the message back for a retry.
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queue.QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 60 }),
    );
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queue.QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );

    const second = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.QueueUrl,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const inDlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 0 }));
    expect(
      {
        received: second.Messages?.map((m) => m.Attributes?.ApproximateReceiveCount),
        inDlq: inDlq.Messages?.length ?? 0,
      },
      'received once, yet moved to the DLQ / counted the visibility changes as receives',
    ).toEqual({ received: ['2'], inDlq: 0 });
  }, 30_000);
});
