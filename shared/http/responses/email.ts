/** Success answers of the sending routes (functions/emails.ts, functions/email-sending.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';

export const emailQueued = {
  status: 202,
  description: 'Queued for sending; the send id names it in events and the timeline',
  schema: z.looseObject({ sendId: z.string() }),
  example: { sendId: '4fa21f70-c6a0-420a-8f85-6cb8f32c9b83' },
} satisfies SuccessResponse;

const sendingStatus = z.looseObject({
  paused: z.boolean(),
  reputation: z.string(),
  window: z.looseObject({ hours: z.number(), from: z.string(), to: z.string() }),
  counts: z.looseObject({ sent: z.number(), bounces: z.number(), complaints: z.number() }),
  rates: z.looseObject({ bounceRate: z.number(), complaintRate: z.number() }),
  thresholds: z.record(z.string(), z.number()),
});
const exampleStatus = {
  paused: false,
  reputation: 'ok',
  window: { hours: 168, from: '2026-01-08T10:00:00Z', to: '2026-01-15T09:59:59Z' },
  counts: { sent: 1200, bounces: 3, complaints: 0 },
  rates: { bounceRate: 0.0025, complaintRate: 0 },
  thresholds: { warnBounceRate: 0.05, pauseBounceRate: 0.1, minimumVolume: 200 },
};

export const sendingStatusAnswer = {
  status: 200,
  description: 'Whether sending is paused, and the bounce and complaint rates behind it',
  schema: sendingStatus,
  example: exampleStatus,
} satisfies SuccessResponse;

export const sendingResumed = {
  status: 200,
  description: 'The status after the resume; `resumed` says whether it was paused',
  schema: z.extend(sendingStatus, { resumed: z.boolean() }),
  example: { ...exampleStatus, resumed: true },
} satisfies SuccessResponse;

export const webhookReceived = {
  status: 200,
  description: 'Verified and queued for the events processor',
  schema: z.looseObject({ received: z.literal(true) }),
  example: { received: true },
} satisfies SuccessResponse;

export const unsubscribeAsk = {
  status: 200,
  description: 'A page that asks to confirm (a link scanner’s GET changes nothing)',
  contentType: 'text/html',
  schema: z.string(),
  example: '<!doctype html><form method="post">…</form>',
} satisfies SuccessResponse;

export const unsubscribed = {
  status: 200,
  description: 'Unsubscribed (or, for a topic choice, the topics opted out of); an HTML page when asked for HTML',
  schema: z.looseObject({
    unsubscribed: z.boolean(),
    topics: z.optional(z.array(z.unknown())),
  }),
  example: { unsubscribed: true },
} satisfies SuccessResponse;

export const openPixel = {
  status: 200,
  description: 'A 1x1 GIF, whatever the token (a bad one records nothing)',
  contentType: 'image/gif',
  schema: z.string(),
} satisfies SuccessResponse;

export const clickRedirect = {
  status: 302,
  description: 'To the link’s target (`Location`); a bad token answers a small page instead',
} satisfies SuccessResponse;
