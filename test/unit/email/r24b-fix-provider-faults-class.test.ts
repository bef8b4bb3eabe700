/**
 * Review round 24 (b), the classes behind two findings:
 *
 * - A fault of the provider's account or sender configuration was read as the message's by an
 *   error name decided before the status (Resend's 403 `validation_error` for an unverified
 *   sending domain; its 422 `invalid_from_address`, the one configured sender of every mail).
 *   `classifyProviderError` now reads 401/403 as the account's before any name, whichever
 *   provider; Resend's adapter maps every account code (`accountFault`) to 403; SMTP's reads a 5xx
 *   to `MAIL FROM` (other than 552, a size) and a relay account's daily limit as the account's. A
 *   per-mail refusal (a bad recipient) still closes.
 * - Resend's `email.suppressed` is read as an account suppression; the local stand-in sends it in
 *   the SDK's shape, and one fact has one dedupe key whichever way Resend reports it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resendWebhooksOf } from '../../../lib/local/emulators/resend-webhooks';
import { accountFault, resendProvider } from '../../../shared/adapters/resend-email';
import { SmtpSendError } from '../../../shared/adapters/smtp-email';
import type { EmailProvider } from '../../../shared/email/ports';
import { eventKeyOf } from '../../../shared/email/process-event';
import { parseResendWebhook } from '../../../shared/email/provider-events';
import { classifyProviderError } from '../../../shared/email/provider-failover';
import { sendEmail } from '../../../shared/email/send-email';
import { request, setup } from './failover-fakes';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A loopback Resend answering every `POST /emails` with `status` and Resend's error body. */
async function resendAnswering(status: number, name: string, message: string) {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: status, name, message }));
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return resendProvider({ apiKey: 're_test_key', baseUrl: `http://127.0.0.1:${port}` });
}

/** An SMTP link whose relay refuses with nodemailer's error (`command`, `responseCode`, `response`). */
const smtpRefusing = (error: { code?: string; command?: string; responseCode?: number; response?: string }) =>
  ({
    name: 'smtp',
    send: async () => {
      throw new SmtpSendError(error);
    },
  }) satisfies EmailProvider;

describe('an account fault is never read as a rejected message', () => {
  it('401/403 are unavailable whatever the name, a name the classifier reads as rejecting included', () => {
    for (const name of ['MessageRejected', 'BadRequestException', 'InvalidParameterValue', 'validation_error']) {
      for (const status of [401, 403]) {
        const error = Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
        expect(classifyProviderError(error), `${name} ${status}`).toBe('unavailable');
      }
      const perMail = Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });
      expect(classifyProviderError(perMail), `${name} 400`).toBe('rejected');
    }
  });

  it.each([
    [403, 'validation_error', 'The acme.test domain is not verified.'],
    [422, 'invalid_from_address', 'Invalid `from` field.'],
    [404, 'not_found', 'The requested endpoint does not exist.'],
  ] as const)('Resend %s %s with SES down: SMTP sends it', async (status, name, message) => {
    const t = setup([
      ['ses', ['fail-503', 'fail-503', 'fail-503']],
      ['resend', await resendAnswering(status, name, message)],
      ['smtp', []],
    ]);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent' });
    expect(t.copies.map((c) => c.provider)).toEqual(['smtp']);
  });

  it('a message Resend refuses as the message (422 validation_error of the recipient) is still closed', async () => {
    const t = setup([
      ['ses', ['fail-503', 'fail-503', 'fail-503']],
      ['resend', await resendAnswering(422, 'validation_error', 'Invalid `to` field.')],
      ['smtp', []],
    ]);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'not-sent' });
    expect(t.copies).toEqual([]);
    expect(t.record()?.state).toBe('closed');
  });

  it('is what accountFault says of each Resend code', () => {
    const fault = (name: string, statusCode: number | null) => accountFault({ name, statusCode, message: 'm' });
    expect(fault('validation_error', 403)).toBe(true);
    expect(fault('invalid_from_address', 422)).toBe(true);
    expect(fault('validation_error', 422)).toBe(false);
    expect(fault('missing_required_field', 422)).toBe(false);
    expect(fault('rate_limit_exceeded', 429)).toBe(false);
    expect(fault('invalid_idempotent_request', 409)).toBe(false);
    expect(fault('application_error', 408)).toBe(false);
    expect(fault('internal_server_error', 500)).toBe(false);
    expect(fault('application_error', null)).toBe(false);
  });

  it('an SMTP relay refusing the sender: retried later, never closed; refusing the recipient: closed', async () => {
    const sender = setup([
      ['ses', ['fail-503', 'fail-503', 'fail-503']],
      [
        'smtp',
        smtpRefusing({
          code: 'EENVELOPE',
          command: 'MAIL FROM',
          responseCode: 553,
          response: '553 5.7.1 <news@acme.test>: Sender address rejected: not owned by user',
        }),
      ],
    ]);
    expect(await sendEmail(request, sender.deps)).toMatchObject({ status: 'retry' });
    expect(sender.record()?.state).not.toBe('closed');

    const recipient = setup([
      ['ses', ['fail-503', 'fail-503', 'fail-503']],
      [
        'smtp',
        smtpRefusing({
          code: 'EENVELOPE',
          command: 'RCPT TO',
          responseCode: 550,
          response: '550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown',
        }),
      ],
    ]);
    expect(await sendEmail(request, recipient.deps)).toMatchObject({ status: 'not-sent' });
    expect(recipient.record()?.state).toBe('closed');
  });
});

describe("Resend's email.suppressed", () => {
  const tags = [
    { name: 'workspace', value: 'ws-1' },
    { name: 'send', value: 'send-1' },
  ];

  it("is what the stand-in sends for suppressed@, in the SDK's EmailSuppressedEvent shape", () => {
    const hooks = resendWebhooksOf(
      {
        id: 're-1',
        created_at: '2026-12-04T10:00:00.000Z',
        from: 'a@b.c',
        to: ['suppressed@resend.dev'],
        subject: 's',
        tags,
      },
      0,
    );
    expect(hooks.map((h) => h.type)).toEqual(['email.sent', 'email.suppressed']);
    const data = hooks[1]?.data as Record<string, unknown>;
    expect(data).toMatchObject({ email_id: 're-1', to: ['suppressed@resend.dev'] });
    expect(data.suppressed).toEqual({ message: expect.any(String), type: 'OnAccountSuppressionList' });
    expect(data.bounce).toBeUndefined();
  });

  it('is an account suppression whatever its type says, and one fact with the bounce Resend sent before', () => {
    const base = { email_id: 're-1', to: ['gone@example.com'], tags };
    const suppressed = parseResendWebhook({
      type: 'email.suppressed',
      data: { ...base, suppressed: { message: 'm', type: 'SomeListResendAddsLater' } },
    });
    expect(suppressed).toMatchObject({
      status: 'events',
      events: [
        {
          type: 'bounced',
          bounceType: 'permanent',
          bounceSubType: 'SomeListResendAddsLater',
          accountSuppressed: true,
        },
      ],
    });
    // No `suppressed` object at all: still the account's list.
    expect(parseResendWebhook({ type: 'email.suppressed', data: base })).toMatchObject({
      events: [{ bounceSubType: 'Suppressed', accountSuppressed: true }],
    });
    const oldStyle = parseResendWebhook({
      type: 'email.bounced',
      data: { ...base, bounce: { type: 'Permanent', subType: 'Suppressed', message: 'm' } },
    });
    if (suppressed.status !== 'events' || oldStyle.status !== 'events') throw new Error('not parsed');
    const [a] = suppressed.events;
    const [b] = oldStyle.events;
    if (!a || !b) throw new Error('no event');
    expect(eventKeyOf(a)).toBe(eventKeyOf(b));
  });
});
