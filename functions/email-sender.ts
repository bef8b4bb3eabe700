/**
 * SQS consumer of the email-sends queue: one email per message through `sendEmail`
 * (claim -> recipient's contact -> suppressions and status -> pause -> render -> pace -> failover
 * chain -> record).
 *
 * Outcomes (docs/EMAIL.md):
 * - `sent` / `duplicate` / `not-sent`: done, the message is deleted (logged with the reason).
 * - `retry` (paced, throttled, paused, providers down, claimed elsewhere): a short pace wait is
 *   waited here; anything longer goes back to the queue as a NEW message with `DelaySeconds`
 *   (`attempt`: the throttles in a row, for the backoff), and this one is deleted. So a throttled message is
 *   never counted as a failed receive and never reaches the DLQ, however long it is paced.
 *   If the re-send fails, the handler throws: the original stays and is retried as a failure.
 *   A copy left behind by a crash between the re-send and the delete is harmless: the ledger
 *   sends a key once.
 * - An unparseable message or an unexpected error: a batch item failure (queueFunction), retried
 *   after the visibility timeout and moved to the DLQ after maxReceiveCount (5), reason logged.
 */

import { withCoalescedGets } from '../shared/adapters/dynamo/batch';
import { dynamoBroadcasts } from '../shared/adapters/dynamo-broadcasts';
import { dynamoSendFenceReads } from '../shared/adapters/dynamo-campaign-send-fence';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../shared/adapters/dynamo-email-templates';
import { dynamoMarketingSendMoves } from '../shared/adapters/dynamo-marketing-send-moves';
import { dynamoSendLedger } from '../shared/adapters/dynamo-send-ledger';
import { cachedQuotaPolicy, dynamoSendPacer } from '../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { emailProviderChain } from '../shared/adapters/email-provider-chain';
import { providerSecretReader } from '../shared/adapters/provider-secrets';
import { sesProvider, sesSendQuota } from '../shared/adapters/ses-provider';
import { withCoalescedSends } from '../shared/adapters/sqs/coalesced-sends';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { loadTrackingSecret } from '../shared/adapters/tracking-secret';
import { documents as direct } from '../shared/aws/dynamodb';
import { secretsManager } from '../shared/aws/secrets-manager';
import { ses, sesForSends } from '../shared/aws/ses';
import { sqs as sqsDirect } from '../shared/aws/sqs';
import { campaignSendFence } from '../shared/campaigns/send-fence';
import {
  campaignClock,
  config,
  publicBaseUrl,
  queueUrl,
  tableName,
  trackingKey,
  unsubscribeLinkConfig,
} from '../shared/config';
import { addressHolderOf } from '../shared/crm/contacts/get-contact';
import { type AudiencePageDeps, runAudiencePage } from '../shared/email/broadcast';
import type { ChainLink } from '../shared/email/provider-failover';
import { providerBreaker } from '../shared/email/provider-failover';
import { claimGraceMsFor, type SendDeps, type SendOutcome, sendEmail } from '../shared/email/send-email';
import {
  emailQueueMessage,
  isAudiencePage,
  nextAttempt,
  retryDelaySeconds,
  sendRequestOf,
} from '../shared/email/send-request';
import { unsubscribeFor } from '../shared/email/unsubscribe';
import { recordEmailSent } from '../shared/observability/email-metrics';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

// The key of link tokens, read once when the function loads (shared/adapters/tracking-secret.ts).
await loadTrackingSecret(secretsManager);

// The records of a batch run at once: their plain reads share BatchGetItem calls.
const documents = withCoalescedGets(direct);

const core = tableName('core');
const ephemeral = tableName('ephemeral');

const contacts = dynamoContacts(documents, core);
const suppressions = dynamoSuppressions(documents, core);

const transientRetry = { retries: 2, baseMs: 100, capMs: 1000 } as const;

const secrets = providerSecretReader({ client: secretsManager });
// Breakers outlive a chain rebuild: a provider that was failing stays open across it.
const breakers = { resend: providerBreaker('resend'), smtp: providerBreaker('smtp') };
const sesLink: ChainLink = {
  provider: sesProvider(sesForSends, config.SES_CONFIGURATION_SET),
  breaker: providerBreaker('ses'),
  retry: transientRetry,
};

/** A credential that cannot be read leaves its provider out of this batch; SES still sends. */
const optionalSecret = (secret: 'resend-api-key' | 'smtp-url') =>
  secrets(secret).catch((error: unknown) => {
    logger.warn('Provider credential unreadable; provider left out of this batch', { secret, error });
    return undefined;
  });

const chainOf = emailProviderChain([sesLink]);

/**
 * SES first; Resend and SMTP join the chain (in that order) when their credentials are set
 * (Secrets Manager in the cloud, cached 5 minutes; the variables locally). A link is rebuilt only
 * when its own value changes, so the pooled SMTP transport is reused, and the SMTP pool it replaces
 * (or one removed) is closed (email-provider-chain.ts). Each provider receives
 * `<workspace>:<ledger key>` as the email's idempotency key (set by sendEmail).
 */
async function currentChain(): Promise<ChainLink[]> {
  const [resendKey, smtpUrl] = await Promise.all([optionalSecret('resend-api-key'), optionalSecret('smtp-url')]);
  // Resend's and nodemailer's code (~350 KB of this bundle) loads only once a credential needs it,
  // not at cold start; loaded before the chain is asked, so the check and a rebuild stay one step.
  const [resend, smtp] = await Promise.all([
    resendKey ? import('../shared/adapters/resend-email') : undefined,
    smtpUrl ? import('../shared/adapters/smtp-email') : undefined,
  ]);
  return chainOf([
    resendKey && resend
      ? {
          name: 'resend',
          key: resendKey,
          build: () => ({
            provider: resend.resendProvider({
              apiKey: resendKey,
              ...(config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : {}),
            }),
            breaker: breakers.resend,
            retry: transientRetry,
          }),
        }
      : undefined,
    smtpUrl && smtp
      ? {
          name: 'smtp',
          key: smtpUrl,
          build: () => ({
            provider: smtp.smtpProvider({ url: smtpUrl }),
            breaker: breakers.smtp,
            retry: transientRetry,
          }),
        }
      : undefined,
  ]);
}

const baseDeps: Omit<SendDeps, 'chain'> = {
  leaseMs: config.EMAIL_CLAIM_LEASE_SECONDS * 1000,
  // A dead attempt's claim waits this long past its lease for the provider's Send event.
  claimGraceMs: claimGraceMsFor(config.EMAIL_CLAIM_LEASE_SECONDS * 1000),
  ledger: dynamoSendLedger(documents, core),
  suppressions,
  // The contact a send names (deleted, or moved to another address: closed) and a marketing send's
  // contact's CRM status (`unsubscribed` stops it: mailBlockFor), read with its suppressions in
  // their BatchGetItem (no request of its own; send-email.ts `contactStatusOf`).
  contactStatusOf: suppressions.contactStatus,
  // A campaign's mail of a run a person exited or the campaign archived is closed, one of a paused
  // campaign waits: its enrolment and campaign read in the same BatchGetItem (send-fence.ts).
  campaignFence: campaignSendFence(dynamoSendFenceReads(documents, core)),
  gate: dynamoSendingGate(documents, core),
  pacer: dynamoSendPacer(
    documents,
    ephemeral,
    cachedQuotaPolicy(() => sesSendQuota(ses), {
      fraction: config.EMAIL_RATE_FRACTION,
      ...(config.EMAIL_MAX_SEND_RATE ? { override: config.EMAIL_MAX_SEND_RATE } : {}),
    }),
  ),
  now: Date.now,
  // A campaign send's window is judged in campaign time, as its step judged it (TIME_SCALE locally).
  campaignClock: campaignClock(),
  // The frequency cap counts a campaign's marketing mail when it goes: one held (its window, a pause,
  // the pace) moves its entry to when it is tried again, one closed unsent is marked (send-email.ts
  // `marketingSends`).
  marketingSends: dynamoMarketingSendMoves(documents, core),
  // Open pixel and click links (docs/EMAIL.md, "Tracking").
  tracking: { baseUrl: publicBaseUrl(), key: trackingKey() },
  // A marketing or tracked send that names no contact (a one-off send to an address): the live
  // contact with the address, looked up once before the suppression check, so the person's own
  // opt-outs stop it, and reused for the tracking links and the `contact` tag; with none live, the
  // soft-deleted contact that still holds the address, whose opt-outs and status still stop a
  // marketing send (the same one lookup).
  contactIdOf: (workspaceId, email) => addressHolderOf(workspaceId, email, { contacts }),
};
// The records of a batch put back together (paced, throttled) share SendMessageBatch calls.
const requeue = sqsEmailSends(withCoalescedSends(sqsDirect), queueUrl('email-sends'));

/** A broadcast's audience page: fanned out onto this same queue, one send message per contact. */
const audiencePages: AudiencePageDeps = {
  templates: dynamoEmailTemplates(documents, core),
  broadcasts: dynamoBroadcasts(documents, core),
  contacts: dynamoContacts(documents, core),
  queue: requeue,
  from: config.SES_FROM_ADDRESS,
  unsubscribe: (who) => unsubscribeFor(unsubscribeLinkConfig(), who),
  now: () => new Date(),
};

/** A pace wait up to this long is waited in the invocation; a longer one goes back to the queue. */
const WAIT_IN_PLACE_MS = 2000;
/** At most this much of an invocation is spent waiting for the pace (the timeout is 30 s). */
const WAIT_BUDGET_MS = 10_000;

export const handler = queueFunction(emailQueueMessage, async (queued, meta) => {
  if (isAudiencePage(queued)) {
    const done = await runAudiencePage(queued, audiencePages);
    logger.info('Broadcast page handled', { ...meta, broadcastId: queued.broadcastId, page: queued.page, ...done });
    return;
  }
  const message = queued;
  const request = sendRequestOf(message, config.SES_FROM_ADDRESS);
  const log = { ...meta, sendId: message.sendId, workspaceId: message.workspaceId, attempt: message.attempt };
  const deps: SendDeps = { ...baseDeps, chain: await currentChain() };
  let outcome: SendOutcome = await sendEmail(request, deps);
  let waited = 0;
  while (
    outcome.status === 'retry' &&
    outcome.reason === 'paced' &&
    outcome.retryAfterMs <= WAIT_IN_PLACE_MS &&
    waited + outcome.retryAfterMs <= WAIT_BUDGET_MS
  ) {
    const pause = outcome.retryAfterMs + Math.floor(Math.random() * 50);
    await new Promise((r) => setTimeout(r, pause));
    waited += pause;
    outcome = await sendEmail(request, deps);
  }

  switch (outcome.status) {
    case 'sent':
      // The reputation counter moved with the ledger's transition (markSent); this is the metric.
      recordEmailSent(outcome.provider);
      logger.info('Email sent', { ...log, provider: outcome.provider, fallbackUsed: outcome.fallbackUsed });
      return;
    case 'duplicate':
      logger.info('Email already sent by an earlier delivery', log);
      return;
    case 'not-sent':
      logger.info('Email not sent', { ...log, reason: outcome.reason });
      return;
    case 'retry': {
      const delaySeconds = retryDelaySeconds(outcome, message.attempt);
      await requeue.send({ ...message, attempt: nextAttempt(outcome, message.attempt) }, delaySeconds);
      logger.info('Email back on the queue', { ...log, reason: outcome.reason, delaySeconds });
      return;
    }
  }
});
