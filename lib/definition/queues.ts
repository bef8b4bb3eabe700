/**
 * The SQS queues, apart from the route table (lib/definition/index.ts re-exports them): workers
 * read their own queue's settings from here.
 */
import type { QueueDeclaration } from './types';

/**
 * The largest message any queue takes (bytes of the body): SQS's maximum since 2025, set on every
 * queue explicitly (lib/cdk/data-stack.ts, lib/local/emulators/queues.ts) rather than left to a
 * default that has changed over the years. A message that could exceed it is refused where it is
 * built (an email's send message: shared/email/send-request.ts), never sent to fail.
 */
export const QUEUE_MAX_MESSAGE_BYTES = 1_048_576;

export const queues: readonly QueueDeclaration[] = [
  {
    name: 'drip-steps',
    description: 'One message per enrolled contact step',
    consumer: 'drip-step-worker',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    // Ten batches at once: enrolment moves are independent (counters are sharded), and the email
    // pace, not this queue, sets how fast mail goes; the cap keeps a big launch from taking the
    // account's whole Lambda concurrency.
    maxConcurrency: 10,
    retentionDays: 14,
    dlqRetentionDays: 14,
  },
  {
    name: 'ai-calls',
    description: 'AI agent calls, decoupled from requests so provider limits do not fail callers',
    consumer: 'ai-call-worker',
    batchSize: 5,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 3,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
  {
    name: 'score-recompute',
    description: 'Recompute scores after a rule change, one page of contacts per message (resumable)',
    consumer: 'score-recompute-worker',
    batchSize: 1,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
  {
    name: 'email-sends',
    description:
      'One message per email to send; paced or throttled ones come back as new delayed messages, so only failures count toward the DLQ',
    consumer: 'email-sender',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    // Bounded: the shared pacer decides the rate; more instances would only contend for its item.
    maxConcurrency: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
  {
    name: 'email-events',
    description:
      'Provider events (SES via EventBridge, Resend webhooks): delivery, bounce, complaint, open, click; updates sends, suppressions, timelines and reputation',
    consumer: 'email-events',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
];
