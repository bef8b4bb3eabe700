/**
 * HTTP function `emails`: a one-off send (`POST /api/emails/send`), validated here and queued
 * for the sender with its idempotency key (the client's `Idempotency-Key`, or a new one), so
 * it takes the same path as every campaign email: claim, suppression, pace, failover, record.
 */
import { randomUUID } from 'node:crypto';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { sqs } from '../shared/aws/sqs';
import { config, queueUrl } from '../shared/config';
import { oneOffSendBody, queueOneOffSend } from '../shared/email/send-request';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../shared/idempotency/run-once';

const queue = sqsEmailSends(sqs, queueUrl('email-sends'));

export const handler = httpFunction('emails', {
  'emails.send': defineOperation({ body: oneOffSendBody }, async ({ body }, request) => {
    const caller = callerOf(request);
    const clientKey = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const { sendId } = await queueOneOffSend(caller.workspaceId, body, clientKey, {
      queue,
      newId: randomUUID,
      from: config.SES_FROM_ADDRESS,
    });
    return {
      status: 202,
      body: { sendId },
      audit: { resourceType: 'email', resourceId: sendId, metadata: { category: body.category } },
    };
  }),
});
