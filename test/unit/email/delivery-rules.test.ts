/** The pure rules of email delivery: suppression, reputation, pacing, provider faults and failover, tracking tokens. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dailyBudget, policyForQuota, takeTokens, throttleBackoffSeconds } from '../../../shared/email/pacing';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import {
  classifyProviderError,
  ProviderSendError,
  providerBreaker,
  sendWithFailover,
} from '../../../shared/email/provider-failover';
import { judgeReputation } from '../../../shared/email/reputation';
import { blockingSuppression, suppressionCausedBy } from '../../../shared/email/suppression-rules';
import { isSafeTarget, openTrackingToken, sealTrackingToken } from '../../../shared/email/tracking-token';

const DAY = 24 * 3600 * 1000;

describe('suppression rules', () => {
  it('suppresses at once on a hard bounce or a complaint, on the third soft bounce within 7 days', () => {
    expect(suppressionCausedBy('hard-bounce', 0)).toBe('hard-bounce');
    expect(suppressionCausedBy('complaint', 0)).toBe('complaint');
    expect(suppressionCausedBy('soft-bounce', 10 * DAY, [9 * DAY])).toBeUndefined();
    expect(suppressionCausedBy('soft-bounce', 10 * DAY, [9 * DAY, 4 * DAY])).toBe('soft-bounces');
    // The oldest is more than 7 days back: only two count.
    expect(suppressionCausedBy('soft-bounce', 10 * DAY, [9 * DAY, 2 * DAY])).toBeUndefined();
  });
  it('lets transactional mail past an unsubscribe, never past a bounce or complaint', () => {
    expect(blockingSuppression(['unsubscribe'], 'transactional')).toBeUndefined();
    expect(blockingSuppression(['unsubscribe'], 'marketing')).toBe('unsubscribe');
    expect(blockingSuppression(['unsubscribe', 'complaint'], 'transactional')).toBe('complaint');
    expect(blockingSuppression(['hard-bounce'], 'transactional')).toBe('hard-bounce');
  });
});

describe('reputation', () => {
  it('pauses at 0.1% complaints once past the minimum volume, and says why', () => {
    const verdict = judgeReputation({ sent: 1000, bounces: 20, complaints: 2 });
    expect(verdict.status).toBe('pause');
    expect(verdict.reason).toMatch(/complaint rate 0\.20% of 1000 sends reached 0\.10%/);
  });
  it('warns before it pauses, and never judges a handful of sends', () => {
    expect(judgeReputation({ sent: 10_000, bounces: 600, complaints: 0 }).status).toBe('warn');
    expect(judgeReputation({ sent: 10_000, bounces: 1000, complaints: 0 }).status).toBe('pause');
    expect(judgeReputation({ sent: 10, bounces: 5, complaints: 1 }).status).toBe('ok');
  });
});

describe('pacing', () => {
  it('never grants more than the rate allows in any second', () => {
    const policy = policyForQuota(14); // SES sandbox-ish: 14/s, we use 80%
    expect(policy.ratePerSecond).toBeCloseTo(11.2);
    let state: Parameters<typeof takeTokens>[0];
    const perSecond = new Map<number, number>();
    for (let t = 0; t < 10_000; t += 7) {
      const r = takeTokens(state, policy, t, 3);
      state = r.next;
      const second = Math.floor(t / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + r.granted);
      if (r.granted === 0) expect(r.waitMs).toBeGreaterThan(0);
    }
    // A full bucket at start allows one burst on top of the first second's refill.
    for (const [second, sent] of perSecond) {
      expect(sent).toBeLessThanOrEqual(second === 0 ? policy.burst + 12 : 12);
    }
    const total = [...perSecond.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(110);
  });
  it('reads the daily budget from the quota (SES -1 = unlimited) and backs off throttled messages with jitter', () => {
    expect(dailyBudget({ max24HourSend: 200, sentLast24Hours: 150 })).toBe(50);
    expect(dailyBudget({ max24HourSend: 200, sentLast24Hours: 250 })).toBe(0);
    expect(dailyBudget({ max24HourSend: -1, sentLast24Hours: 5 })).toBe(Number.POSITIVE_INFINITY);
    expect(throttleBackoffSeconds(1, () => 0)).toBe(1);
    expect(throttleBackoffSeconds(5, () => 0.999)).toBeLessThanOrEqual(32);
    expect(throttleBackoffSeconds(50, () => 0.999)).toBeLessThanOrEqual(900);
  });
});

const awsError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('provider faults', () => {
  it.each([
    [awsError('TooManyRequestsException', 429), 'throttled'],
    [Object.assign(new Error('rate'), { status: 429 }), 'throttled'],
    [awsError('MessageRejected', 400), 'rejected'],
    [Object.assign(new Error('bad'), { status: 422 }), 'rejected'],
    [Object.assign(new Error('key'), { status: 401 }), 'unavailable'],
    [awsError('InternalFailure', 500), 'unavailable'],
    [Object.assign(new Error('down'), { code: 'ECONNREFUSED' }), 'unavailable'],
  ])('%s is %s', (error, fault) => expect(classifyProviderError(error)).toBe(fault));
});

const email: OutgoingEmail = {
  from: 'a@x.test',
  to: 'b@y.test',
  subject: 's',
  html: 'h',
  text: 't',
  headers: {},
  tags: {},
};
function provider(name: EmailProvider['name'], behaviour: () => Promise<{ providerMessageId: string }>) {
  const calls: number[] = [];
  const p: EmailProvider = {
    name,
    send: async () => {
      calls.push(1);
      return behaviour();
    },
  };
  return { p, calls };
}

describe('failover', () => {
  it('fails over when a provider is unavailable, and says a fallback was used', async () => {
    const ses = provider('ses', async () => Promise.reject(awsError('InternalFailure', 503)));
    const resend = provider('resend', async () => ({ providerMessageId: 'r-1' }));
    const out = await sendWithFailover(
      [
        { provider: ses.p, breaker: providerBreaker('ses') },
        { provider: resend.p, breaker: providerBreaker('resend') },
      ],
      email,
    );
    expect(out).toEqual({ provider: 'resend', providerMessageId: 'r-1', fallbackUsed: true, skipped: ['ses'] });
  });
  it('never fails over a throttled or rejected message', async () => {
    for (const [error, fault] of [
      [awsError('TooManyRequestsException', 429), 'throttled'],
      [awsError('MessageRejected', 400), 'rejected'],
    ] as const) {
      const ses = provider('ses', async () => Promise.reject(error));
      const resend = provider('resend', async () => ({ providerMessageId: 'r-1' }));
      const chain = [
        { provider: ses.p, breaker: providerBreaker('ses') },
        { provider: resend.p, breaker: providerBreaker('resend') },
      ];
      const failed = await sendWithFailover(chain, email).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(ProviderSendError);
      expect((failed as ProviderSendError).fault).toBe(fault);
      expect(resend.calls).toHaveLength(0);
    }
  });
  it('skips a provider whose breaker opened, without calling it', async () => {
    const ses = provider('ses', async () => Promise.reject(awsError('InternalFailure', 500)));
    const resend = provider('resend', async () => ({ providerMessageId: 'r' }));
    const chain = [
      { provider: ses.p, breaker: providerBreaker('ses', { failureThreshold: 2 }) },
      { provider: resend.p, breaker: providerBreaker('resend') },
    ];
    for (let i = 0; i < 5; i++) await sendWithFailover(chain, email);
    expect(ses.calls).toHaveLength(2);
    expect(resend.calls).toHaveLength(5);
  });
  it('reports all-unavailable when every provider is down', async () => {
    const down = provider('ses', async () => Promise.reject(awsError('InternalFailure', 500)));
    const failed = await sendWithFailover([{ provider: down.p, breaker: providerBreaker('ses') }], email).catch(
      (e: unknown) => e,
    );
    expect((failed as ProviderSendError).fault).toBe('all-unavailable');
  });
});

describe('tracking tokens', () => {
  const key = randomBytes(32);
  const payload = {
    kind: 'click' as const,
    workspaceId: 'ws-1',
    sendId: 's-1',
    contactId: 'c-1',
    url: 'https://example.com/a?b=1',
  };
  it('round-trips, and names no id in clear', () => {
    const token = sealTrackingToken(payload, key);
    expect(openTrackingToken(token, key)).toEqual(payload);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('ws-1');
  });
  it('opens a tampered, truncated or foreign token to nothing', () => {
    const token = sealTrackingToken(payload, key);
    const flipped = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    expect(openTrackingToken(flipped, key)).toBeUndefined();
    expect(openTrackingToken(token.slice(0, -3), key)).toBeUndefined();
    expect(openTrackingToken(token, randomBytes(32))).toBeUndefined();
    expect(openTrackingToken('not a token!', key)).toBeUndefined();
  });
  it('accepts only absolute http(s) click targets', () => {
    expect(isSafeTarget('https://example.com')).toBe(true);
    for (const bad of ['javascript:alert(1)', '//evil.example', 'data:text/html,x', '/relative', 'ftp://x']) {
      expect(isSafeTarget(bad)).toBe(false);
    }
    expect(openTrackingToken(sealTrackingToken({ ...payload, url: 'javascript:alert(1)' }, key), key)).toBeUndefined();
  });
});
