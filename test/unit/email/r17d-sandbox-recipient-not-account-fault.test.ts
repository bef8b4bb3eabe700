/**
 * Defect (MEDIUM): since 77f79b5, SES's `MessageRejected` "Email address is not verified. The
 * following identities failed the check ...: <identity>" is always read as a fault of the account
 * (`sesAccountFault`, via the text match UNVERIFIED_IDENTITY), whatever identity SES names. In the
 * SES sandbox the identity named is the RECIPIENT: only mail to unverified recipients is refused,
 * mail to verified recipients goes through, so it is NOT "every mail refused alike". The
 * consequences:
 *  1. with SES as the only provider, a mail to an unverified recipient is given back
 *     ('no provider available') on every attempt, forever (nextAttempt resets, never DLQ'd), where
 *     before the commit it was closed as `rejected by ses`;
 *  2. each such refusal is rethrown as a 503 (`SesAccountUnavailableError`) and counts against
 *     SES's shared breaker: five of them in five minutes open it, and mail to VERIFIED recipients
 *     (which SES would take) is then not sent.
 * Root cause: shared/adapters/ses-provider.ts `sesAccountFault` (the UNVERIFIED_IDENTITY match does
 * not look at which identity failed).
 * Correct: an unverified-identity rejection is an account fault only when the identity SES names is
 * the sender (the From address or its domain); one naming the recipient is the message's fault
 * (`rejected`, closed, not counted against the breaker).
 */
import { MessageRejected, type SESv2Client, type SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { sesProvider } from '../../../shared/adapters/ses-provider';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const VERIFIED = new Set(['ada@example.com']);

/** An SES sandbox account: the sender is verified; a recipient must be verified too. */
function sandboxSes(outbox: string[]) {
  return sesProvider({
    send: async (command: SendEmailCommand) => {
      const to = command.input.Destination?.ToAddresses?.[0] ?? '';
      if (!VERIFIED.has(to)) {
        throw new MessageRejected({
          message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${to}`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      outbox.push(to);
      return { MessageId: `ses-${outbox.length}` };
    },
  } as unknown as SESv2Client);
}

const request = (key: string, to: string): SendRequest => ({
  workspaceId: 'ws-1',
  idempotencyKey: key,
  category: 'transactional',
  from: 'billing@acme.test',
  to,
  content: { subject: 'Your receipt', html: '<p>Thanks</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
});

function depsOf(outbox: string[], ledger = new MemorySendLedger()): SendDeps {
  const provider = sandboxSes(outbox);
  return {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [{ provider, breaker: providerBreaker('ses') }],
    now: () => 1_000_000,
  };
}

describe("SES sandbox: an unverified RECIPIENT is the message's fault, not the account's", () => {
  it('closes a mail to an unverified recipient as rejected (SES alone), instead of retrying it forever', async () => {
    const outbox: string[] = [];
    const ledger = new MemorySendLedger();
    const outcome = await sendEmail(request('k-1', 'nobody@example.org'), depsOf(outbox, ledger));
    expect(outcome).toEqual({ status: 'not-sent', reason: 'rejected by ses' });
    expect(ledger.record('ws-1', 'k-1')?.state).toBe('closed');
  });

  it("does not open the SES breaker on recipients' rejections: mail to a verified recipient still goes out", async () => {
    const outbox: string[] = [];
    const deps = depsOf(outbox);
    for (let i = 0; i < 5; i++) await sendEmail(request(`bad-${i}`, `nobody${i}@example.org`), deps);
    const outcome = await sendEmail(request('good', 'ada@example.com'), deps);
    expect(outcome).toMatchObject({ status: 'sent', provider: 'ses' });
    expect(outbox).toEqual(['ada@example.com']);
  });
});
