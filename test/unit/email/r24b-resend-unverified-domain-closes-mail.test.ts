// Review round 24: this test failed at 137ce95.
/**
 * Review round 24 (b): Resend's 403 `validation_error` "The <domain> domain is not verified" (and
 * "You can only send testing emails to your own email address"), a fault of the Resend account's
 * sender configuration that refuses every mail alike, is read as the message's fault: the send is
 * closed for good ("rejected by resend"), SMTP behind it is never tried, and it is never retried.
 *
 * Resend documents both as `validation_error` with status 403 (docs/api-reference/errors: "The
 * domain.com domain is not verified. Please, add and verify your domain."), next to the 400/422
 * `validation_error` of a malformed field. `resendProvider` keeps the name `validation_error`, and
 * `classifyProviderError` matches REJECTING_NAMES before it looks at the status, so the 403 becomes
 * `rejected`. docs/EMAIL.md promises that faults "of the account or its sender configuration ...
 * refuse every mail alike" fail over (review round 17, for SES's unverified MAIL FROM domain or
 * identity, which "closed every mail for good"), and README: nothing queued is lost. Resend is
 * the provider used when SES is down or its daily budget is spent (every send then skips SES), so a
 * lapsed domain verification on the fallback closes every mail sent meanwhile.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resendProvider } from '../../../shared/adapters/resend-email';
import { sendEmail } from '../../../shared/email/send-email';
import { request, setup } from './failover-fakes';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A loopback Resend whose sending domain is not verified: every `POST /emails` is Resend's documented 403. */
async function resendWithUnverifiedDomain(message: string) {
  let calls = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 403, name: 'validation_error', message }));
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    provider: resendProvider({ apiKey: 're_test_key', baseUrl: `http://127.0.0.1:${port}` }),
    calls: () => calls,
  };
}

const UNVERIFIED = [
  [
    'domain not verified',
    'The acme.test domain is not verified. Please, add and verify your domain on https://resend.com/domains',
  ],
  [
    'testing-only account',
    'You can only send testing emails to your own email address (owner@acme.test). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.',
  ],
] as const;

describe("Resend's 403 validation_error (the account's sender domain is not verified)", () => {
  it.each(UNVERIFIED)('%s: SES down, the mail fails over to SMTP instead of being closed', async (_what, message) => {
    const resend = await resendWithUnverifiedDomain(message);
    const t = setup([
      ['ses', ['fail-503', 'fail-503', 'fail-503']],
      ['resend', resend.provider],
      ['smtp', []],
    ]);
    const outcome = await sendEmail(request, t.deps);

    expect(resend.calls(), 'Resend was asked').toBeGreaterThan(0);
    expect(
      { status: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined, smtpCopies: t.copies.length },
      "an account fault of Resend closed the mail for good ('rejected by resend'); SMTP, next in the chain, was never tried",
    ).toMatchObject({ status: 'sent', smtpCopies: 1 });
  });

  it.each(UNVERIFIED)(
    '%s: with no provider after Resend, the mail is retried later, never closed',
    async (_what, message) => {
      const resend = await resendWithUnverifiedDomain(message);
      const t = setup([
        ['ses', ['fail-503', 'fail-503', 'fail-503']],
        ['resend', resend.provider],
      ]);
      const outcome = await sendEmail(request, t.deps);

      expect(
        { status: outcome.status, closedForGood: t.record()?.state === 'closed' },
        "a queued mail was closed for good because Resend's sender domain is not verified (it would go once SES is back)",
      ).toEqual({ status: 'retry', closedForGood: false });
    },
  );
});
