/**
 * HTTP function `emails`: a one-off send (`POST /api/emails/send`), validated here and queued
 * for the sender with its idempotency key (the client's `Idempotency-Key`, or a new one), so
 * it takes the same path as every campaign email: claim, suppression, pace, failover, record.
 * A marketing send carries the RFC 8058 List-Unsubscribe headers; the public `/u/{token}`
 * routes honour them (docs/EMAIL.md, "Unsubscribe").
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { eventBridgePublisher } from '../shared/adapters/eventbridge-events';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { documents } from '../shared/aws/dynamodb';
import { eventBridge } from '../shared/aws/eventbridge';
import { sqs } from '../shared/aws/sqs';
import { ConfigError, config, publicBaseUrl, queueUrl, tableName, trackingKey } from '../shared/config';
import { ContactNotFoundError } from '../shared/crm/contacts/errors';
import { recordInteraction } from '../shared/crm/contacts/record-interaction';
import { interactionScorer } from '../shared/crm/scoring/score-interaction';
import { oneOffSendBody, queueOneOffSend } from '../shared/email/send-request';
import {
  honourUnsubscribe,
  openUnsubscribeToken,
  unsubscribeFor,
  unsubscribePage,
  unsubscribeUrl,
} from '../shared/email/unsubscribe';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import type { HttpRequest } from '../shared/http/types';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../shared/idempotency/run-once';
import { recordAudit } from '../shared/identity/audit';

if (!config.EVENT_BUS_NAME) throw new ConfigError('Missing environment variable EVENT_BUS_NAME');
const core = tableName('core');
const queue = sqsEmailSends(sqs, queueUrl('email-sends'));
const links = publicBaseUrl();
const now = () => new Date();
const contacts = dynamoContacts(documents, core);
const suppressions = dynamoSuppressions(documents, core);
const auditSink = dynamoAudit(documents, tableName('audit'));
const interactionDeps = {
  contacts,
  interactions: dynamoInteractions(documents, core),
  scorer: interactionScorer({
    store: dynamoScoreStore(documents, core),
    events: eventBridgePublisher(eventBridge, config.EVENT_BUS_NAME),
    now,
  }),
  now,
  newId: randomUUID,
};

const tokenParam = z.object({ token: z.string().min(1).max(1024) });
/** The one-click body (`List-Unsubscribe=One-Click`, form-encoded), JSON, or nothing: all honoured alike. */
const oneClickBody = z.unknown();
const html = (status: number, page: string) => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: page,
});

const wantsHtml = (request: HttpRequest) => (request.headers.accept ?? '').includes('text/html');
/** 400 `INVALID_UNSUBSCRIBE_TOKEN`: the "Invalid link" page for a browser, else the JSON error body. */
const invalidLink = (request: HttpRequest) =>
  wantsHtml(request)
    ? html(400, unsubscribePage('invalid'))
    : {
        status: 400,
        body: {
          error: 'Bad Request',
          code: 'INVALID_UNSUBSCRIBE_TOKEN',
          message: 'This unsubscribe link is not valid',
          requestId: request.requestId,
        },
      };

export const handler = httpFunction('emails', {
  'emails.send': defineOperation({ body: oneOffSendBody }, async ({ body }, request) => {
    const caller = callerOf(request);
    const clientKey = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const { sendId } = await queueOneOffSend(caller.workspaceId, body, clientKey, {
      queue,
      newId: randomUUID,
      from: config.SES_FROM_ADDRESS,
      unsubscribe: (id, email) =>
        unsubscribeFor(
          {
            baseUrl: links,
            key: trackingKey(),
            ...(config.UNSUBSCRIBE_MAILTO ? { mailto: config.UNSUBSCRIBE_MAILTO } : {}),
          },
          { workspaceId: caller.workspaceId, sendId: id, email },
        ),
    });
    return {
      status: 202,
      body: { sendId },
      audit: { resourceType: 'email', resourceId: sendId, metadata: { category: body.category } },
    };
  }),

  'unsubscribe.page': defineOperation({ params: tokenParam }, ({ params }, request) => {
    const payload = openUnsubscribeToken(params.token, trackingKey());
    if (!payload) return invalidLink(request);
    return html(200, unsubscribePage('confirm', { action: unsubscribeUrl(links, params.token), email: payload.email }));
  }),

  'unsubscribe.confirm': defineOperation({ params: tokenParam, body: oneClickBody }, async ({ params }, request) => {
    const outcome = await honourUnsubscribe(
      {
        key: trackingKey(),
        suppressions,
        contactIdOf: async (workspaceId, email) => {
          const found = await contacts.findByEmails(workspaceId, [email]);
          return [...found.values()].find((c) => !c.deletedAt)?.contactId;
        },
        recordUnsubscribed: async (workspaceId, contactId, metadata) => {
          try {
            await recordInteraction(interactionDeps, workspaceId, contactId, {
              type: 'unsubscribed',
              metadata,
              source: 'unsubscribe',
            });
          } catch (error) {
            // Deleted meanwhile: the suppression stands, there is no timeline to write to.
            if (!(error instanceof ContactNotFoundError)) throw error;
          }
        },
        audit: (entry) => recordAudit(auditSink, entry),
        now,
      },
      params.token,
      { ip: request.clientAddress, userAgent: request.userAgent },
    );
    if (outcome.status === 'invalid') return invalidLink(request);
    return wantsHtml(request) ? html(200, unsubscribePage('done')) : { status: 200, body: { unsubscribed: true } };
  }),
});
