/**
 * HTTP function `email-sending`: whether a workspace's marketing sends are paused and its
 * reputation window (`GET /api/emails/sending`), a person's resume (`POST .../resume`, audited),
 * and Resend's webhook (`POST /api/hooks/resend`): the Svix signature is checked against the raw
 * body before anything is queued for the email-events processor; a bad one is a 401 JSON answer.
 */

import * as z from 'zod/mini';
import { emailRoutes } from '../lib/definition/email-routes';
import { dynamoReputation } from '../shared/adapters/dynamo-email-events';
import { dynamoSendingGate } from '../shared/adapters/dynamo-sending-gate';
import { providerSecretReader } from '../shared/adapters/provider-secrets';
import { sqsEmailEvents } from '../shared/adapters/sqs-email-events';
import { documents } from '../shared/aws/dynamodb';
import { secretsManager } from '../shared/aws/secrets-manager';
import { sqs } from '../shared/aws/sqs';
import { config, queueUrl, reputationThresholds, tableName } from '../shared/config';
import { acceptResendWebhook, resumeSending, sendingStatus } from '../shared/email/sending-status';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { sendingResumed, sendingStatusAnswer, webhookReceived } from '../shared/http/responses/email';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
const gate = dynamoSendingGate(documents, core);
const statusDeps = {
  gate,
  reputation: dynamoReputation(documents, core),
  thresholds: reputationThresholds(config),
  now: Date.now,
};
const events = sqsEmailEvents(sqs, queueUrl('email-events'));
const secrets = providerSecretReader({ client: secretsManager });

export const handler = httpFunction('email-sending', emailRoutes, {
  'email-sending.status': defineOperation({ response: sendingStatusAnswer }, async (_input, request) => ({
    status: 200,
    body: await sendingStatus(callerOf(request).workspaceId, statusDeps),
  })),

  'email-sending.resume': defineOperation({ response: sendingResumed }, async (_input, request) => {
    const caller = callerOf(request);
    const outcome = await resumeSending(caller.workspaceId, statusDeps);
    return {
      status: 200,
      body: { ...(await sendingStatus(caller.workspaceId, statusDeps)), resumed: outcome.resumed },
      audit: {
        resourceType: 'email-sending',
        resourceId: caller.workspaceId,
        metadata: { resumed: outcome.resumed, ...(outcome.previousReason ? { reason: outcome.previousReason } : {}) },
      },
    };
  }),

  // The body is read raw (the signature covers its exact bytes); its shape is the processor's concern.
  'hooks.resend': defineOperation({ body: z.unknown(), response: webhookReceived }, async (_input, request) => {
    const verdict = await acceptResendWebhook(
      {
        rawBody: request.rawBody ?? '',
        headers: {
          id: request.headers['svix-id'],
          timestamp: request.headers['svix-timestamp'],
          signature: request.headers['svix-signature'],
        },
      },
      { secret: await secrets('resend-webhook-secret'), queue: events, now: Date.now },
    );
    if (verdict.valid) return { status: 200, body: { received: true } };
    logger.warn('Resend webhook refused', { reason: verdict.reason, requestId: request.requestId });
    return {
      status: 401,
      body: {
        error: 'Unauthorized',
        code: 'INVALID_WEBHOOK_SIGNATURE',
        message: 'The webhook signature could not be verified',
        requestId: request.requestId,
      },
    };
  }),
});
