/**
 * SQS consumer of the email-sends queue: one email per message through `sendEmail`
 * (claim -> suppression -> pause -> render -> pace -> failover chain -> record).
 *
 * Outcomes (docs/EMAIL.md):
 * - `sent` / `duplicate` / `not-sent`: done, the message is deleted (logged with the reason).
 * - `retry` (paced, throttled, paused, providers down, claimed elsewhere): a short pace wait is
 *   waited here; anything longer goes back to the queue as a NEW message with `DelaySeconds`
 *   (and `attempt + 1` for the backoff), and this one is deleted. So a throttled message is
 *   never counted as a failed receive and never reaches the DLQ, however long it is paced.
 *   If the re-send fails, the handler throws: the original stays and is retried as a failure.
 *   A copy left behind by a crash between the re-send and the delete is harmless: the ledger
 *   sends a key once.
 * - An unparseable message or an unexpected error: a batch item failure (queueFunction), retried
 *   after the visibility timeout and moved to the DLQ after maxReceiveCount (5), reason logged.
 */

import { dynamoSendLedger } from '../shared/adapters/dynamo-send-ledger';
import { cachedQuotaPolicy, dynamoSendPacer } from '../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { resendProvider } from '../shared/adapters/resend-email';
import { sesProvider, sesSendQuota } from '../shared/adapters/ses-provider';
import { smtpProvider } from '../shared/adapters/smtp-email';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { documents } from '../shared/aws/dynamodb';
import { ses } from '../shared/aws/ses';
import { sqs } from '../shared/aws/sqs';
import { config, queueUrl, tableName } from '../shared/config';
import type { ChainLink } from '../shared/email/provider-failover';
import { providerBreaker } from '../shared/email/provider-failover';
import { type SendDeps, type SendOutcome, sendEmail } from '../shared/email/send-email';
import { emailSendMessage, retryDelaySeconds, sendRequestOf } from '../shared/email/send-request';
import { logger } from '../shared/observability/logger';
import { queueFunction } from '../shared/queue/queue-function';

const core = tableName('core');
const ephemeral = tableName('ephemeral');

const transientRetry = { retries: 2, baseMs: 100, capMs: 1000 } as const;

/**
 * SES first; Resend and SMTP join the chain (in that order) when they are configured. Each
 * receives `<workspace>:<ledger key>` as the email's idempotency key (set by sendEmail).
 */
const chain: ChainLink[] = [
  { provider: sesProvider(ses, config.SES_CONFIGURATION_SET), breaker: providerBreaker('ses'), retry: transientRetry },
  ...(config.RESEND_API_KEY
    ? [
        {
          provider: resendProvider({
            apiKey: config.RESEND_API_KEY,
            ...(config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : {}),
          }),
          breaker: providerBreaker('resend'),
          retry: transientRetry,
        },
      ]
    : []),
  ...(config.SMTP_URL
    ? [
        {
          provider: smtpProvider({ url: config.SMTP_URL }),
          breaker: providerBreaker('smtp'),
          retry: transientRetry,
        },
      ]
    : []),
];

const deps: SendDeps = {
  ledger: dynamoSendLedger(documents, core),
  suppressions: dynamoSuppressions(documents, core),
  gate: dynamoSendingGate(documents, core),
  pacer: dynamoSendPacer(
    documents,
    ephemeral,
    cachedQuotaPolicy(() => sesSendQuota(ses), {
      fraction: config.EMAIL_RATE_FRACTION,
      ...(config.EMAIL_MAX_SEND_RATE ? { override: config.EMAIL_MAX_SEND_RATE } : {}),
    }),
  ),
  chain,
  now: Date.now,
};
const requeue = sqsEmailSends(sqs, queueUrl('email-sends'));

/** A pace wait up to this long is waited in the invocation; a longer one goes back to the queue. */
const WAIT_IN_PLACE_MS = 2000;
/** At most this much of an invocation is spent waiting for the pace (the timeout is 30 s). */
const WAIT_BUDGET_MS = 10_000;

export const handler = queueFunction(emailSendMessage, async (message, meta) => {
  const request = sendRequestOf(message, config.SES_FROM_ADDRESS);
  const log = { ...meta, sendId: message.sendId, workspaceId: message.workspaceId, attempt: message.attempt };
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
      await requeue.send({ ...message, attempt: message.attempt + 1 }, delaySeconds);
      logger.info('Email back on the queue', { ...log, reason: outcome.reason, delaySeconds });
      return;
    }
  }
});
