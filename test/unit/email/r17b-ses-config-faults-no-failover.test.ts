/**
 * Hostile review r17b: faults of the SES *account or configuration* that stop every mail are read
 * as the message's fault or as the whole chain's, so a configured Resend/SMTP backup never takes
 * the mail.
 *
 * 1. Defect (MEDIUM-HIGH, mail lost): SES v2's `MailFromDomainNotVerifiedException` ("the sending
 *    domain isn't verified": the account's custom MAIL FROM domain lost its MX/SPF verification) is
 *    in REJECTING_NAMES, so `classifyProviderError` calls it `rejected` and `sendEmail` CLOSES the
 *    send for good ("rejected by ses") with no failover. It says nothing about the message: every
 *    mail of the workspace (one configured From) is refused the same way, and all of them are
 *    closed permanently while Resend, configured as the next link, would have sent them.
 *    Root cause: shared/email/provider-failover.ts REJECTING_NAMES / classifyProviderError (and
 *    shared/adapters/ses-provider.ts ACCOUNT_LEVEL, which rethrows the other account-level 400s as
 *    503 but not this one). Correct: treat it as account-level (unavailable: fail over; with no
 *    other provider, release and retry), as AccountSuspendedException/SendingPausedException are.
 *
 * 2. Defect (MEDIUM, mail held up to 24 h despite a backup): the pacer's daily budget is SES's
 *    (`Max24HourSend - SentLast24Hours` from SES GetAccount) but is asked before the whole chain
 *    (send-email.ts prepare: `deps.pacer.take` before `sendWithFailover`). When SES's daily quota is
 *    spent every send is answered `retry: paced` (5 minutes, forever until SES's rolling 24 h
 *    frees room), so Resend/SMTP never get the mail, although the SES adapter itself treats SES's
 *    own quota refusal (LimitExceededException) as a reason to fail over.
 *    Root cause: shared/email/send-email.ts prepare (pace before the chain) with
 *    shared/adapters/dynamo-send-pacer.ts takeMany (an empty SES budget grants nothing for any
 *    provider). Correct: an empty SES budget should skip SES (as an open breaker does) and let the
 *    next provider send, not hold the mail.
 */
import { LimitExceededException, MailFromDomainNotVerifiedException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoSendPacer } from '../../../shared/adapters/dynamo-send-pacer';
import { sesProvider } from '../../../shared/adapters/ses-provider';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'api#client#k-1',
  category: 'transactional',
  from: 'billing@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Your receipt', html: '<p>Thanks</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

/** The real SES provider over a client whose SendEmail always throws `error`. */
const sesThrowing = (error: unknown): EmailProvider =>
  sesProvider({
    send: async () => {
      throw error;
    },
  } as unknown as SESv2Client);

function resendStandIn(outbox: OutgoingEmail[]): EmailProvider {
  return {
    name: 'resend',
    async send(email) {
      outbox.push(email);
      return { providerMessageId: `re-${outbox.length}` };
    },
  };
}

/** A table holding no item that takes the pacer's first write (its compare-and-set on a new item). */
const emptyTable = (): DynamoDBDocumentClient =>
  ({
    send: async (command: unknown) => {
      if (command instanceof GetCommand) return {};
      if (command instanceof PutCommand) return {};
      throw new Error('unexpected command');
    },
  }) as unknown as DynamoDBDocumentClient;

function deps(ses: EmailProvider, outbox: OutgoingEmail[], over: Partial<SendDeps> = {}): SendDeps {
  return {
    ledger: new MemorySendLedger(),
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [
      { provider: ses, breaker: providerBreaker('ses') },
      { provider: resendStandIn(outbox), breaker: providerBreaker('resend') },
    ],
    now: () => 1_000_000,
    ...over,
  };
}

describe('r17b: SES configuration faults and the failover chain', () => {
  it('an unverified MAIL FROM domain at SES fails over to Resend instead of closing the mail for good', async () => {
    const outbox: OutgoingEmail[] = [];
    const fault = new MailFromDomainNotVerifiedException({
      message: 'The message cannot be sent because the sending domain is not verified',
      $metadata: { httpStatusCode: 400 },
    });
    const outcome = await sendEmail(request, deps(sesThrowing(fault), outbox));
    // The mail is the account's configuration's victim, not at fault: Resend takes it.
    expect(outcome).toMatchObject({ status: 'sent', provider: 'resend' });
    expect(outbox).toHaveLength(1);
  });

  it("SES's spent daily quota does not hold mail that Resend could send", async () => {
    const outbox: OutgoingEmail[] = [];
    // The pacer as email-sender builds it, with SES's daily budget spent (no quota-read stamp: a
    // fixed policy). (Fixer, round 17: its table is an empty one, no longer `{}`: the per-second
    // rate still paces the rest of the chain, docs/EMAIL.md "Pacing", so a token is taken from it.)
    const pacer = dynamoSendPacer(emptyTable(), 'ephemeral', async () => ({
      bucket: { ratePerSecond: 10, burst: 10 },
      dailyRemaining: 0,
    }));
    const sesCalls: string[] = [];
    const ses: EmailProvider = {
      name: 'ses',
      async send() {
        sesCalls.push('ses');
        // What SES answers once its daily quota is spent: account-level, fail over.
        throw new LimitExceededException({
          message: 'Daily message quota exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      },
    };
    const outcome = await sendEmail(request, deps(ses, outbox, { pacer }));
    expect(outcome).toMatchObject({ status: 'sent', provider: 'resend' });
    expect(outbox).toHaveLength(1);
  });
});
