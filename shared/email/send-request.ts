/**
 * A send request as it travels on the `email-sends` queue, and the one-off send that queues
 * one (`POST /api/emails/send`). The queue message carries everything the sender needs, so a
 * redelivery sends exactly what was asked (the ledger key makes it once).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { throttleBackoffSeconds } from './pacing';
import type { SendOutcome, SendRequest } from './send-email';

const line = (max: number) => z.string().min(1).max(max);
const headerMap = z.record(z.string().min(1).max(100), z.string().max(2000));

export const emailSendMessage = z.object({
  workspaceId: line(64),
  /** What the API answered; the ledger key below is the real identity. */
  sendId: line(128),
  idempotencyKey: line(300),
  category: z.enum(['transactional', 'marketing']),
  from: z.email().optional(),
  to: z.email(),
  content: z.object({
    subject: line(998),
    html: z.string().min(1).max(500_000),
    text: z.string().max(500_000).optional(),
  }),
  context: z
    .object({
      contact: z.record(z.string(), z.unknown()),
      workspace: z.object({ name: z.string().max(200), postalAddress: z.string().max(500).optional() }),
      unsubscribe_url: z.string().max(2000).optional(),
    })
    .default({ contact: {}, workspace: { name: '' } }),
  headers: headerMap.optional(),
  tags: z.record(z.string().min(1).max(64), z.string().max(256)).optional(),
  /** How many times this request came back as `retry` (paced, throttled, paused): drives the backoff. */
  attempt: z.number().int().min(0).max(10_000).default(0),
});
export type EmailSendMessage = z.infer<typeof emailSendMessage>;

/** The body of `POST /api/emails/send`. Template references wait for stored templates (docs/EMAIL.md). */
export const oneOffSendBody = z.strictObject({
  to: z.email().max(320),
  subject: line(998),
  html: z.string().min(1).max(500_000),
  text: z.string().min(1).max(500_000).optional(),
  category: z.enum(['transactional', 'marketing']),
});
export type OneOffSendBody = z.infer<typeof oneOffSendBody>;

/** The queue the sender consumes. `delaySeconds` (0-900) holds a message back. */
export interface EmailSendQueue {
  send(message: EmailSendMessage, delaySeconds?: number): Promise<void>;
}

/**
 * Queues a one-off send. With a client key the send id is derived from (workspace, key), so a
 * repeated request answers the same id and the ledger sends it once; without one, each
 * request is a new send.
 */
export async function queueOneOffSend(
  workspaceId: string,
  body: OneOffSendBody,
  clientKey: string | undefined,
  deps: {
    queue: EmailSendQueue;
    newId: () => string;
    from: string;
    /** The unsubscribe link and headers of a marketing send (required for marketing). */
    unsubscribe?: (sendId: string, email: string) => { url: string; headers: Record<string, string> };
  },
): Promise<{ sendId: string }> {
  const sendId = clientKey
    ? createHash('sha256').update(`${workspaceId}\u0000${clientKey}`).digest('hex').slice(0, 32)
    : deps.newId();
  const idempotencyKey = clientKey ? `api#client#${clientKey}` : `api#generated#${sendId}`;
  if (body.category === 'marketing' && !deps.unsubscribe) {
    throw new Error('A marketing send needs its unsubscribe link (RFC 8058)');
  }
  const unsubscribe = body.category === 'marketing' ? deps.unsubscribe?.(sendId, body.to) : undefined;
  await deps.queue.send({
    workspaceId,
    sendId,
    idempotencyKey,
    category: body.category,
    from: deps.from,
    to: body.to,
    content: { subject: body.subject, html: body.html, ...(body.text ? { text: body.text } : {}) },
    context: {
      contact: { email: body.to },
      workspace: { name: '' },
      ...(unsubscribe ? { unsubscribe_url: unsubscribe.url } : {}),
    },
    ...(unsubscribe ? { headers: unsubscribe.headers } : {}),
    tags: { workspace: workspaceId, send: sendId },
    attempt: 0,
  });
  return { sendId };
}

/** The use case's request from a queue message. */
export function sendRequestOf(message: EmailSendMessage, defaultFrom: string): SendRequest {
  return {
    workspaceId: message.workspaceId,
    idempotencyKey: message.idempotencyKey,
    category: message.category,
    from: message.from ?? defaultFrom,
    to: message.to,
    content: message.content,
    context: message.context,
    ...(message.headers ? { headers: message.headers } : {}),
    tags: { ...message.tags, workspace: message.workspaceId, send: message.sendId },
  };
}

/** SQS holds a message back at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * How long a `retry` outcome waits before it comes back: at least what the outcome asked,
 * and for a provider's throttling the exponential backoff with jitter of pacing.ts.
 */
export function retryDelaySeconds(
  outcome: Extract<SendOutcome, { status: 'retry' }>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const asked = Math.ceil(Math.max(0, outcome.retryAfterMs) / 1000);
  const backoff = outcome.reason.startsWith('throttled') ? throttleBackoffSeconds(attempt + 1, random) : 0;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, asked, backoff));
}
