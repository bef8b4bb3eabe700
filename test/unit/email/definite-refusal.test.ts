/**
 * Review round 13 (test/unit/email/ses-unreadable-answer-no-failover.test.ts,
 * resend-may-have-it-held.test.ts): a provider is failed over, or its send given back, only after a
 * definite refusal. Any doubt that it took the message is an unknown outcome: the chain stops and
 * the claim is held for the provider's Send event.
 *
 * The class of the fault: `outcomeUnknown` read every HTTP status but 504 as "did not take it", so a
 * 200 whose body could not be read failed over; and `sendEmail` gave back the claim after a
 * provider's answer that followed an unanswered call to it (429) or that said it had the request
 * (409 in progress), so the next attempt started again at SES.
 */
import { describe, expect, it } from 'vitest';
import { resendError } from '../../../shared/adapters/resend-email';
import { SmtpSendError } from '../../../shared/adapters/smtp-email';
import {
  classifyProviderError,
  outcomeUnknown,
  ProviderSendError,
  refusedByStatus,
  sendWithFailover,
} from '../../../shared/email/provider-failover';
import { sendEmail } from '../../../shared/email/send-email';
import { CircuitOpenError } from '../../../shared/resilience';
import { type Behaviour, GRACE, request, setup } from './failover-fakes';

const withStatus = (status: number, name = 'Error') =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('outcomeUnknown: only a definite refusal says the provider did not take the message', () => {
  it.each<[string, unknown, boolean]>([
    // Refusals: the service answered about the request it got, and did not act on it.
    ['400 MessageRejected', withStatus(400, 'MessageRejected'), false],
    ['401 (a bad key)', withStatus(401), false],
    ['429 throttled', withStatus(429, 'TooManyRequestsException'), false],
    ['500 InternalFailure', withStatus(500, 'InternalFailure'), false],
    ['503 ServiceUnavailable', withStatus(503, 'ServiceUnavailable'), false],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false],
    ['a DNS failure', Object.assign(new Error('dns'), { code: 'ENOTFOUND' }), false],
    [
      "the SDK's connection timeout",
      Object.assign(
        new Error(
          '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 2000 ms.',
        ),
        { name: 'TimeoutError' },
      ),
      false,
    ],
    ['an open breaker', new CircuitOpenError('ses', 0), false],
    ['SMTP 550', new SmtpSendError({ responseCode: 550, response: '550 no such user' }), false],
    // Doubt: the request may have been taken.
    ['200 whose body was cut (ECONNRESET)', Object.assign(withStatus(200), { code: 'ECONNRESET' }), true],
    ['200 whose body is not JSON', withStatus(200, 'SyntaxError'), true],
    ['202 with an error', withStatus(202), true],
    ['a 3xx with an error', withStatus(302), true],
    ['408 request timeout', withStatus(408), true],
    ['499 client closed', withStatus(499), true],
    ['502 bad gateway', withStatus(502), true],
    ['504 gateway timeout', withStatus(504), true],
    ["a CDN's 524 (origin timed out)", withStatus(524), true],
    [
      "the SDK's request timeout",
      Object.assign(new Error('a request has exceeded the configured 8000 ms requestTimeout.'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
      true,
    ],
    ['Resend: no answer at all', resendError({ name: 'application_error', statusCode: null, message: 'x' }), true],
    ['SMTP 250 carried by an error', new SmtpSendError({ responseCode: 250, response: '250 ok' }), true],
  ])('%s -> unknown: %s', (_what, error, unknown) => expect(outcomeUnknown(error)).toBe(unknown));

  it('refusedByStatus: 4xx but timeouts, 5xx the service answers; nothing below 400 or past 511', () => {
    const refused = [400, 401, 403, 404, 409, 422, 429, 500, 501, 503, 505, 511];
    const notRefused = [100, 200, 201, 204, 301, 302, 304, 408, 499, 502, 504, 520, 522, 524, 529, 598, 599];
    expect(refused.filter((s) => !refusedByStatus(s))).toEqual([]);
    expect(notRefused.filter(refusedByStatus)).toEqual([]);
  });

  it('a 408 or 499 never closes the message as rejected: unavailable, then unknown', () => {
    expect(classifyProviderError(withStatus(408))).toBe('unavailable');
    expect(classifyProviderError(withStatus(499))).toBe('unavailable');
    expect(classifyProviderError(withStatus(422))).toBe('rejected');
  });
});

describe('sendEmail: a provider that may have the message keeps the claim until its Send event', () => {
  it.each<[string, Behaviour[]]>([
    ['Resend answers 409 in progress at once (another attempt of this send is there)', ['in-progress-409']],
    ['Resend: no answer, then 429', ['accept-lose-answer', 'throttle-429']],
  ])('%s: held, never released at once', async (_what, resend) => {
    const t = setup(
      [
        ['ses', ['fail-503', 'fail-503', 'fail-503']],
        ['resend', resend],
      ],
      { retries: 2 },
    );
    const outcome = await sendEmail(request, t.deps);
    expect(outcome).toMatchObject({ status: 'retry' });
    expect(outcome.status === 'retry' && outcome.retryAfterMs).toBeGreaterThan(GRACE);
    expect(t.record()).toMatchObject({ state: 'claimed', staleSinceMs: t.now(), leaseUntilMs: t.now() + GRACE });
    // A redelivery meanwhile calls no provider.
    const calls = t.calls.length;
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry' });
    expect(t.calls).toHaveLength(calls);
  });

  it('a throttle with every call answered is still released at once (nothing sent)', async () => {
    const t = setup([['ses', ['throttle-429']]]);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry', retryAfterMs: 1000 });
    expect(t.record()?.state).toBe('released');
  });

  it("sendWithFailover marks Resend's 409s about the key as uncertain, even on its first call", async () => {
    const t = setup([['resend', ['in-progress-409']]]);
    const email = { ...request, ...request.content, text: '', headers: {}, tags: {} };
    const failed = await sendWithFailover(t.deps.chain, email).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderSendError);
    expect(failed).toMatchObject({ fault: 'idempotency-in-progress', uncertain: true });
  });
});
