/**
 * HTTP function `emails`: a one-off send (`POST /api/emails/send`), validated here and queued
 * for the sender with its idempotency key (the client's `Idempotency-Key`, bound to the request
 * it was first used with, or a new one), so it takes the same path as every campaign email:
 * claim, suppression, pace, failover, record.
 * A marketing send carries the RFC 8058 List-Unsubscribe headers; the public `/u/{token}`
 * routes honour them (docs/EMAIL.md, "Unsubscribe").
 */

import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { emailRoutes } from '../lib/definition/email-routes';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../shared/adapters/dynamo-email-templates';
import { countCampaignEventOnce } from '../shared/adapters/dynamo-enrolments';
import { dynamoIdempotency } from '../shared/adapters/dynamo-idempotency';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { dynamoUnsubscribeSuppressions } from '../shared/adapters/dynamo-suppressions';
import { dynamoWorkspaces } from '../shared/adapters/dynamo-workspaces';
import { requestEventsPublisher } from '../shared/adapters/request-events';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { loadTrackingSecret } from '../shared/adapters/tracking-secret';
import { documents } from '../shared/aws/dynamodb';
import { secretsManager } from '../shared/aws/secrets-manager';
import { sqs } from '../shared/aws/sqs';
import { trackedCampaignCounts } from '../shared/campaigns/tracked-counts';
import {
  campaignClock,
  config,
  publicBaseUrl,
  queueUrl,
  tableName,
  trackingKey,
  unsubscribeLinkConfig,
} from '../shared/config';
import { ContactNotFoundError } from '../shared/crm/contacts/errors';
import { liveContactIdOf } from '../shared/crm/contacts/get-contact';
import { type RecordInteractionDeps, recordInteraction } from '../shared/crm/contacts/record-interaction';
import type { InteractionType } from '../shared/crm/model';
import type { DomainEventPublisher } from '../shared/crm/ports';
import { interactionScorer } from '../shared/crm/scoring/score-interaction';
import { oneOffSendBody, sendOneOff } from '../shared/email/send-request';
import { senderProfile } from '../shared/email/sender-profile';
import { resolveOneOffSend } from '../shared/email/template-send';
import { EMAIL_TOPICS_SETTING, topicsFromSetting } from '../shared/email/topics';
import { type HitOrigin, trackClick, trackOpen } from '../shared/email/track-event';
import { openTrackingToken, redirectTarget } from '../shared/email/tracking-token';
import {
  honourUnsubscribe,
  linkOptOuts,
  openUnsubscribeToken,
  topicChoices,
  unsubscribeChoice,
  unsubscribeFor,
  unsubscribePage,
  unsubscribeUrl,
} from '../shared/email/unsubscribe';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { clickRedirect, emailQueued, openPixel, unsubscribeAsk, unsubscribed } from '../shared/http/responses/email';
import type { HttpRequest } from '../shared/http/types';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../shared/idempotency/run-once';
import { logger, metrics } from '../shared/observability/logger';

// The key of link tokens, read once when the function loads (shared/adapters/tracking-secret.ts).
await loadTrackingSecret(secretsManager);

const core = tableName('core');
const queue = sqsEmailSends(sqs, queueUrl('email-sends'));
const links = publicBaseUrl();
// Campaign time (TIME_SCALE locally): interactions are what campaign conditions compare.
const clock = campaignClock();
const now = () => clock.now();
const contacts = dynamoContacts(documents, core);
/**
 * The store as an unsubscribe link uses it: the contact's own opt-outs read alone, and the
 * opt-out written once (conditional), with its consent withdrawal and audit entry in the same
 * transaction (shared/adapters/dynamo-suppressions.ts).
 */
const linkSuppressions = dynamoUnsubscribeSuppressions(documents, core, tableName('audit'));
// Domain events: tier crossings (the scorer) and contact.interaction_recorded (opens, clicks and
// unsubscribes start campaigns and wake the contact's waiting enrolments, as any interaction does).
// This function's interactions come from a person's click, open or unsubscribe, a request nothing
// retries: what the bus does not take after the SDK's own retries goes straight to the queues of
// the bus's rules (drip-steps), as the rules would deliver it (shared/adapters/fallback-events.ts).
// Never thrown: that would make a stored interaction look failed (an unsubscribe's timeline entry
// kept for a later POST to write again, a click logged as not recorded); events lost even so are
// logged as an error and counted (`DomainEventsLost`).
const interactionEvents: DomainEventPublisher = await requestEventsPublisher('log');
const interactionDeps: RecordInteractionDeps = {
  contacts,
  interactions: dynamoInteractions(documents, core),
  scorer: interactionScorer({ store: dynamoScoreStore(documents, core), events: interactionEvents, now }),
  now,
  newId: randomUUID,
  events: interactionEvents,
};

const settings = dynamoSettings(documents, core);
const templates = dynamoEmailTemplates(documents, core);
const workspaces = dynamoWorkspaces(documents, core);
// Idempotency keys of one-off sends live on the real clock, whatever the campaign clock's scale.
const idempotency = dynamoIdempotency(documents, tableName('ephemeral'));

/**
 * Appends to a contact's timeline; a contact deleted meanwhile has none (the event is dropped).
 * With `entry`, under its id and time: written again, stored and scored once.
 */
async function appendInteraction(
  workspaceId: string,
  contactId: string,
  type: InteractionType,
  metadata: Record<string, unknown>,
  source: string,
  entry?: { readonly interactionId: string; readonly occurredAt: Date },
): Promise<void> {
  try {
    await recordInteraction(interactionDeps, workspaceId, contactId, {
      type,
      metadata,
      source,
      ...(entry ? { interactionId: entry.interactionId, occurredAt: entry.occurredAt.toISOString() } : {}),
    });
  } catch (error) {
    if (!(error instanceof ContactNotFoundError)) throw error;
  }
}

/** The workspace's topics (its `email.topics` setting, else the global one) for the preferences page. */
async function workspaceTopics(workspaceId: string) {
  const setting =
    (await settings.get(workspaceId, EMAIL_TOPICS_SETTING)) ?? (await settings.get(undefined, EMAIL_TOPICS_SETTING));
  if (!setting || setting.isSecret) return [];
  try {
    return topicsFromSetting(JSON.parse(setting.valueJson));
  } catch {
    return [];
  }
}

const trackDeps = {
  key: trackingKey(),
  // The timeline entry and the campaign's counts are separate facts of the hit: a failure of the
  // one (a score conflict, a throttle) does not cost the other. The timeline's failure is still
  // thrown, for the route to log.
  record: async (workspaceId: string, contactId: string, type: InteractionType, metadata: Record<string, unknown>) => {
    const [timeline] = await Promise.allSettled([
      appendInteraction(workspaceId, contactId, type, metadata, 'tracking'),
      countForCampaign(workspaceId, contactId, type, metadata),
    ]);
    if (timeline.status === 'rejected') throw timeline.reason;
  },
  now: Date.now,
};

/**
 * A campaign mail's first open or click counts for its campaign, node and A/B arms (tracked-counts.ts).
 * Each count is its own count-once write, and each is tried whatever became of the others (a
 * click's count failing must not cost its implied open, nor an arm's): a failure is logged and
 * counted (metric `TrackedCountFailures`), never thrown. The hit is not retried (the reader has
 * the pixel or the redirect); the markers keep any later hit of the same mail from counting twice.
 */
async function countForCampaign(
  workspaceId: string,
  contactId: string,
  type: InteractionType,
  metadata: Record<string, unknown>,
): Promise<void> {
  const campaignId = metadata.campaignId;
  if ((type !== 'email_opened' && type !== 'email_clicked') || typeof campaignId !== 'string') return;
  // One after the other: they share the send's stats shard, so at once they would conflict.
  for (const count of trackedCampaignCounts(type, metadata, contactId)) {
    try {
      await countCampaignEventOnce(documents, core, {
        workspaceId,
        campaignId,
        sendId: count.markerId,
        kind: count.kind,
        counters: count.counters,
        at: clock.now(),
      });
    } catch (error) {
      metrics.addMetric('TrackedCountFailures', 'Count', 1);
      logger.warn('Campaign count not recorded; the next count of the hit is tried', {
        error: (error as Error).message,
        workspaceId,
        campaignId,
        kind: count.kind,
        marker: count.markerId,
      });
    }
  }
}
const originOf = (request: HttpRequest): HitOrigin => ({
  method: request.method,
  userAgent: request.userAgent,
  ...(request.clientAddress ? { ip: request.clientAddress } : {}),
});
/** A 1x1 transparent GIF. */
const PIXEL = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const pixel = {
  status: 200,
  headers: { 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' },
  body: PIXEL,
  isBase64Encoded: true,
};
/** 400 `INVALID_TRACKING_LINK`: a small page for a browser (it asks for text/html), else the JSON error body. */
const invalidTrackingLink = (request: HttpRequest) =>
  wantsHtml(request)
    ? html(
        400,
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Invalid link</title></head><body><h1>Invalid link</h1><p>This link is not valid.</p></body></html>',
      )
    : {
        status: 400,
        body: {
          error: 'Bad Request',
          code: 'INVALID_TRACKING_LINK',
          message: 'This link is not valid',
          requestId: request.requestId,
        },
      };

/** A click: 302 to the sealed target (recording never stands between the reader and it). */
async function click(token: string, request: HttpRequest) {
  let outcome: Awaited<ReturnType<typeof trackClick>>;
  try {
    outcome = await trackClick(trackDeps, token, originOf(request));
  } catch (error) {
    // The token was good (only recording fails): send the reader on, from the token alone.
    logger.warn('Click not recorded', { error: (error as Error).message });
    const url = openTrackingToken(token, trackingKey())?.url;
    return redirect(url, request);
  }
  return redirect(outcome.status === 'tracked' ? outcome.url : undefined, request);
}
/** 302 to the target as a valid header value (links sealed before targets were normalised included). */
function redirect(sealed: string | undefined, request: HttpRequest) {
  const url = sealed === undefined ? undefined : redirectTarget(sealed);
  if (!url) return invalidTrackingLink(request);
  return { status: 302, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
}

const tokenParam = z.object({ token: z.string().check(z.minLength(1), z.maxLength(1024)) });
/**
 * The one-click body (`List-Unsubscribe=One-Click`, urlencoded, or multipart handed over as its
 * urlencoded form), the preferences JSON, or nothing (no body, or one of a type the route does not
 * read: lib/definition/email-routes.ts): read by `unsubscribeChoice`, never refused.
 */
const oneClickBody = z.unknown();
const html = (status: number, page: string) => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: page,
});

const unsubscribedWorkspace = (token: string) => openUnsubscribeToken(token, trackingKey())?.workspaceId ?? '';
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

/** The live contact with `email`. */
const liveContactWith = (workspaceId: string, email: string) => liveContactIdOf(workspaceId, email, { contacts });

export const handler = httpFunction('emails', emailRoutes, {
  // A retry with the same Idempotency-Key answers the first 202 again and queues nothing; the
  // key with another body (or caller) is 422 (shared/email/send-request.ts `sendOneOff`).
  'emails.send': defineOperation({ body: oneOffSendBody, response: emailQueued }, async ({ body }, request) => {
    const caller = callerOf(request);
    const clientKey = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const { replayed, ...queued } = await sendOneOff(caller, body, clientKey, {
      // A template's version and a contact's fields are read now: the queued message is self-contained.
      resolve: async (workspaceId, sendBody) => {
        const send = await resolveOneOffSend(workspaceId, sendBody, {
          templates,
          contacts,
          profile: (id) =>
            senderProfile(id, { settings, workspaceName: async (ws) => (await workspaces.workspace(ws))?.name }),
        });
        if (send.category !== 'marketing' || send.contactId) return send;
        // A marketing send to an address: the contact that has it now is who the mail is for, named
        // in the message (the sender reads its opt-outs, the links seal it) and in the unsubscribe
        // link, which opts out the contact it names and never looks the address up again (by the
        // click, the address may belong to someone else). Its merge fields stay the address's.
        // A soft-deleted contact that still holds the address is not named (a message naming a
        // deleted contact is closed `contact gone`): the sender finds it by the address and its
        // opt-outs and CRM status still stop the mail (send-email.ts `DeletedHolder`).
        const contactId = await liveContactWith(workspaceId, send.to);
        return contactId ? { ...send, contactId } : send;
      },
      queue,
      idempotency,
      now: () => new Date(),
      newId: randomUUID,
      from: config.SES_FROM_ADDRESS,
      unsubscribe: (id, email, contactId, topic) =>
        unsubscribeFor(unsubscribeLinkConfig(), {
          workspaceId: caller.workspaceId,
          sendId: id,
          email,
          ...(contactId ? { contactId } : {}),
          ...(topic ? { topic } : {}),
        }),
    });
    return {
      status: 202,
      ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
      body: { sendId: queued.sendId },
      audit: {
        resourceType: 'email',
        resourceId: queued.sendId,
        metadata: { category: queued.category, ...(queued.template ?? {}), ...(replayed ? { replayed } : {}) },
      },
    };
  }),

  'unsubscribe.page': defineOperation({ params: tokenParam, response: unsubscribeAsk }, async ({ params }, request) => {
    const payload = openUnsubscribeToken(params.token, trackingKey());
    if (!payload) return invalidLink(request);
    // What the person the link was sent to opted out of: the contact it names (its own opt-outs,
    // under any address), else the address; never the contact that has the address now.
    const [listed, reasons] = await Promise.all([
      workspaceTopics(payload.workspaceId),
      linkOptOuts(linkSuppressions, payload),
    ]);
    return html(
      200,
      unsubscribePage('confirm', {
        action: unsubscribeUrl(links, params.token),
        email: payload.email,
        topics: topicChoices(listed, payload.topic, reasons),
        unsubscribedAll: reasons.includes('unsubscribe') || reasons.includes('complaint'),
      }),
    );
  }),

  'unsubscribe.confirm': defineOperation(
    { params: tokenParam, body: oneClickBody, response: unsubscribed },
    async ({ params, body }, request) => {
      const outcome = await honourUnsubscribe(
        {
          key: trackingKey(),
          suppressions: linkSuppressions,
          // Under the opt-out's id and time (written again by a later request if this one fails:
          // stored and scored once). Deleted meanwhile: the opt-out stands, there is no timeline.
          // Its failure is logged by honourUnsubscribe, never this public POST's answer.
          recordUnsubscribed: (workspaceId, contactId, metadata, entry) =>
            appendInteraction(workspaceId, contactId, 'unsubscribed', metadata, 'unsubscribe', entry),
          now,
          // A preferences POST opts out of the workspace's listed topics (and the link's own) only;
          // other ids are ignored (docs/EMAIL.md, "Topic preferences").
          topics: async (workspaceId) => (await workspaceTopics(workspaceId)).map((t) => t.id),
          newId: randomUUID,
        },
        params.token,
        { ip: request.clientAddress, userAgent: request.userAgent },
        unsubscribeChoice(body),
      );
      if (outcome.status === 'invalid') return invalidLink(request);
      if (outcome.topics) {
        const labels = new Map(
          (await workspaceTopics(unsubscribedWorkspace(params.token))).map((t) => [t.id, t.label]),
        );
        const topics = outcome.topics.map((id) => ({ id, label: labels.get(id) ?? id, optedOut: true }));
        return wantsHtml(request)
          ? html(200, unsubscribePage('topics-done', { topics }))
          : { status: 200, body: { unsubscribed: false, topics: outcome.topics } };
      }
      return wantsHtml(request) ? html(200, unsubscribePage('done')) : { status: 200, body: { unsubscribed: true } };
    },
  ),

  'tracking.open': defineOperation({ params: tokenParam, response: openPixel }, async ({ params }, request) => {
    // Always the GIF: a bad token is not told apart (and records nothing); a failure to record is logged.
    await trackOpen(trackDeps, params.token, originOf(request)).catch((error: Error) =>
      logger.warn('Open not recorded', { error: error.message }),
    );
    return pixel;
  }),

  'tracking.click': defineOperation({ params: tokenParam, response: clickRedirect }, ({ params }, request) =>
    click(params.token, request),
  ),
  'tracking.click-check': defineOperation({ params: tokenParam, response: clickRedirect }, ({ params }, request) =>
    click(params.token, request),
  ),
});
