/**
 * How Resend's and SMTP's errors become the failover chain's faults: the adapters' mappings,
 * read through `classifyProviderError` exactly as `sendWithFailover` reads them, and whether
 * the chain would retry the same provider (`classifyError(...).retryable`).
 */
import { describe, expect, it } from 'vitest';
import { parseFaultMode } from '../../../lib/local/emulators/fault-switch';
import { assertSendable, UnsendableEmailError } from '../../../shared/adapters/outgoing-email-guard';
import { ResendApiError, resendError } from '../../../shared/adapters/resend-email';
import { SmtpSendError, smtpFault } from '../../../shared/adapters/smtp-email';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { classifyProviderError } from '../../../shared/email/provider-failover';
import { classifyError } from '../../../shared/resilience';

describe('Resend errors', () => {
  it.each([
    ['validation_error', 422, 'rejected'],
    ['validation_error', 400, 'rejected'],
    ['missing_required_field', 422, 'rejected'],
    ['invalid_parameter', 422, 'rejected'],
    ['invalid_attachment', 422, 'rejected'],
    ['invalid_idempotency_key', 400, 'rejected'],
    // Faults of the account or its sender configuration (review round 24): every mail alike, never closed.
    // 403 validation_error: "The <domain> domain is not verified", "You can only send testing emails...".
    ['validation_error', 403, 'unavailable'],
    ['validation_error', 401, 'unavailable'],
    // The From is the one configured sender of every mail.
    ['invalid_from_address', 422, 'unavailable'],
    ['invalid_access', 422, 'unavailable'],
    ['security_error', 451, 'unavailable'],
    ['invalid_region', 422, 'unavailable'],
    // The request's route (a wrong base URL), and a 4xx without Resend's error body (a proxy's).
    ['not_found', 404, 'unavailable'],
    ['method_not_allowed', 405, 'unavailable'],
    ['application_error', 404, 'unavailable'],
    // A code Resend adds later: retried, never a mail closed for it.
    ['some_new_code', 422, 'unavailable'],
    // The key was used before with another payload: that request may have been delivered (never `rejected`).
    ['invalid_idempotent_request', 409, 'idempotency-conflict'],
    ['rate_limit_exceeded', 429, 'throttled'],
    // A request with this key is still being processed: a retry later.
    ['concurrent_idempotent_requests', 409, 'idempotency-in-progress'],
    ['missing_api_key', 401, 'unavailable'],
    ['invalid_api_key', 403, 'unavailable'],
    ['restricted_api_key', 401, 'unavailable'],
    ['daily_quota_exceeded', 429, 'unavailable'],
    ['monthly_quota_exceeded', 429, 'unavailable'],
    ['internal_server_error', 500, 'unavailable'],
    ['application_error', 500, 'unavailable'],
    ['application_error', null, 'unavailable'],
  ] as const)('%s (%s) is %s', (name, statusCode, fault) => {
    const error = resendError({ name, statusCode, message: 'm' });
    expect(error).toBeInstanceOf(ResendApiError);
    expect(error.code).toBe(name);
    expect(classifyProviderError(error)).toBe(fault);
  });

  it('retries the same provider only for transient faults (5xx, no answer), not for a bad key or a spent quota', () => {
    const retryable = (name: string, statusCode: number | null) =>
      classifyError(resendError({ name, statusCode, message: 'm' })).retryable;
    expect(retryable('internal_server_error', 500)).toBe(true);
    expect(retryable('application_error', null)).toBe(true);
    expect(retryable('invalid_api_key', 403)).toBe(false);
    // An unverified sending domain will not be verified by asking again: the next provider, at once.
    expect(retryable('validation_error', 403)).toBe(false);
    expect(retryable('invalid_from_address', 422)).toBe(false);
    // 503 is retryable by status; the chain retries per its policy, then fails over.
    expect(classifyProviderError(resendError({ name: 'daily_quota_exceeded', statusCode: 429, message: 'm' }))).toBe(
      'unavailable',
    );
  });
});

describe('SMTP replies', () => {
  it.each([
    [{ responseCode: 550, response: '550 5.1.1 No such user' }, 'rejected'],
    [{ responseCode: 551 }, 'rejected'],
    [{ responseCode: 552, response: '552 5.3.4 Message size exceeds fixed limit' }, 'rejected'],
    [{ responseCode: 553 }, 'rejected'],
    [{ responseCode: 554, response: '554 5.7.1 Message rejected' }, 'rejected'],
    [{ code: 'EENVELOPE' }, 'rejected'],
    [{ responseCode: 452, response: '452 4.5.3 Too many recipients' }, 'throttled'],
    [
      {
        responseCode: 421,
        response: '421 4.7.0 Try again later, closing connection. Our system has detected an unusual rate',
      },
      'throttled',
    ],
    [
      {
        responseCode: 450,
        response:
          '450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages',
      },
      'throttled',
    ],
    [
      { responseCode: 421, response: '421 4.3.2 Service not available, closing transmission channel' },
      'unavailable-retry',
    ],
    [{ responseCode: 450, response: '450 4.2.0 Greylisted, try again later' }, 'unavailable-retry'],
    [{ responseCode: 451, response: '451 4.3.0 Local error in processing' }, 'unavailable-retry'],
    [{ responseCode: 454, response: '454 4.7.0 TLS not available' }, 'unavailable-retry'],
    [{ responseCode: 535, response: '535 5.7.8 Username and Password not accepted', code: 'EAUTH' }, 'unavailable'],
    [{ responseCode: 530, response: '530 5.7.0 Authentication required' }, 'unavailable'],
    [{ responseCode: 534 }, 'unavailable'],
    [{ code: 'EAUTH' }, 'unavailable'],
    // The sender refused (review round 24): the From is the one configured sender of every mail.
    [
      {
        code: 'EENVELOPE',
        command: 'MAIL FROM',
        responseCode: 553,
        response: '553 5.7.1 <news@acme.test>: Sender address rejected: not owned by user',
      },
      'unavailable',
    ],
    [
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 550, response: '550 5.7.1 Sender denied' },
      'unavailable',
    ],
    // 552 to MAIL FROM is the message's declared size: the message's.
    [
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 552, response: '552 5.3.4 Message size exceeds' },
      'rejected',
    ],
    // The same reply to a recipient is the recipient's.
    [{ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 553, response: '553 5.1.3 Bad recipient' }, 'rejected'],
    // The relay account's daily limit (Gmail), at the end of DATA.
    [
      {
        code: 'EMESSAGE',
        command: 'DATA',
        responseCode: 550,
        response: '550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to',
      },
      'unavailable',
    ],
    [{ code: 'ECONNECTION' }, 'unavailable-retry'],
    [{ code: 'ETIMEDOUT' }, 'unavailable-retry'],
    [{ code: 'ESOCKET' }, 'unavailable-retry'],
    [{ responseCode: 500, response: '500 5.5.1 Unrecognized command' }, 'unavailable-retry'],
  ] as const)('%o is %s', (error, fault) => {
    expect(smtpFault(error)).toBe(fault);
    const thrown = new SmtpSendError(error);
    const expected = fault === 'unavailable-retry' ? 'unavailable' : fault;
    expect(classifyProviderError(thrown)).toBe(expected);
    // Transient relay trouble is retried on the same relay first; a failed login is not.
    if (fault === 'unavailable-retry') expect(classifyError(thrown).retryable).toBe(true);
    if (fault === 'unavailable') expect(classifyError(thrown).retryable).toBe(false);
  });

  it('never puts the relay URL (credentials) into the error', () => {
    const error = new SmtpSendError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad credentials' });
    expect(error.message).toBe('SMTP unavailable: 535 535 5.7.8 bad credentials');
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/smtps?:\/\//);
  });
});

describe('assertSendable', () => {
  const email: OutgoingEmail = {
    from: 'a@x.test',
    to: 'b@x.test',
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi',
    headers: { 'List-Unsubscribe': '<https://x.test/u/t>' },
    tags: {},
  };

  it('lets a clean message through', () => {
    expect(() => assertSendable(email)).not.toThrow();
  });

  it.each([
    { subject: 'Hi\r\nBcc: eve@x.test' },
    { to: 'b@x.test\nBcc: eve@x.test' },
    { headers: { 'X-A': 'one\ntwo' } },
    { headers: { 'Bad Name': 'v' } },
    { headers: { 'X:Colon': 'v' } },
  ] satisfies Partial<OutgoingEmail>[] as Partial<OutgoingEmail>[])(
    'refuses %o as the message fault (rejected, no failover)',
    (overrides) => {
      let thrown: unknown;
      try {
        assertSendable({ ...email, ...overrides });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnsendableEmailError);
      expect(classifyProviderError(thrown)).toBe('rejected');
    },
  );
});

describe('parseFaultMode', () => {
  it('reads the modes, blank as off, and refuses anything else naming the variable', () => {
    expect(parseFaultMode(undefined, 'LOCAL_SES_FAULT')).toBe('off');
    expect(parseFaultMode(' Throttle\n', 'LOCAL_SES_FAULT')).toBe('throttle');
    expect(parseFaultMode('hang', 'LOCAL_SES_FAULT')).toBe('hang');
    expect(() => parseFaultMode('down', 'LOCAL_SES_FAULT')).toThrow(/LOCAL_SES_FAULT must be one of off, fail/);
  });
});
