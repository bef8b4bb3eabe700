// Review round 26 (r26b-fix): every path of the sender that delays or releases a campaign's
// marketing mail keeps its frequency-cap entry at the instant the contact gets it (send-email.ts
// `countsAt`): given back to the queue (paused, paced, the daily budget spent, throttled, no
// provider available, a failure before the provider call) to the instant it is tried again; held for
// a provider's Send event to now; sent after any earlier attempt to the instant it went. The
// ordinary path (sent at its first claim) and any other mail tell the log nothing.
import { describe, expect, it } from 'vitest';
import { resendError } from '../../../shared/adapters/resend-email';
import type { MarketingSendMoves } from '../../../shared/campaigns/campaign-mailer';
import { scaledClock } from '../../../shared/clock';
import type { Pacer } from '../../../shared/email/ports';
import { type ChainLink, providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { campaignMailOf, MONDAY_1000_BERLIN } from '../../support/campaign-mail';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from './send-fixture';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The log as dynamo-marketing-send-moves.ts keeps it: an entry only ever moves later. */
function capLog(key: string, atMs: number) {
  const entries = new Map<string, number>([[key, atMs]]);
  const calls: string[] = [];
  const moves: MarketingSendMoves = {
    heldUntil: async (_ws, _contact, k, at) => {
      calls.push(`held ${iso(at)}`);
      const was = entries.get(k);
      if (was !== undefined && at > was) entries.set(k, at);
    },
    unsent: async () => void calls.push('unsent'),
  };
  return { entries, calls, moves };
}

/** A campaign mail with no send window (so only the sender's other holds apply). */
function mail(): SendRequest {
  const { window: _window, ...rest } = campaignMailOf();
  return rest;
}

const ses = (send: () => Promise<{ providerMessageId: string }>): ChainLink => ({
  provider: { name: 'ses', send },
  breaker: providerBreaker('ses'),
});

type Hold = { name: string; over: (release: () => boolean) => Partial<SendDeps>; retryMs: number };

/** Each way the sender gives a mail back to the queue, held while `held()` says so. */
const HOLDS: Hold[] = [
  {
    name: 'marketing paused',
    over: (held) => ({ gate: { pausedReason: async () => (held() ? 'paused by an operator' : undefined) } }),
    retryMs: 15 * MINUTE,
  },
  {
    name: 'paced (the daily budget spent)',
    over: (held): { pacer: Pacer } => ({
      pacer: { take: async () => (held() ? { granted: false, waitMs: 10 * MINUTE } : { granted: true, waitMs: 0 }) },
    }),
    retryMs: 10 * MINUTE,
  },
  {
    name: 'throttled by the provider',
    over: (held) => ({
      chain: [
        ses(async () => {
          if (held())
            throw Object.assign(new Error('Maximum sending rate exceeded.'), {
              name: 'TooManyRequestsException',
              $metadata: { httpStatusCode: 429 },
            });
          return { providerMessageId: 'ses-1' };
        }),
      ],
    }),
    retryMs: 1000,
  },
];

describe('r26b-fix: the cap entry of a mail the sender gives back moves with it', () => {
  it.each(HOLDS)('$name: moved to each retry, then to the instant it goes', async ({ over, retryMs }) => {
    const mailA = mail();
    const { entries, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    let now = MONDAY_1000_BERLIN;
    let holding = true;
    const { deps } = sendWorld({ now: () => now, marketingSends: moves, ...over(() => holding) });

    const first = await sendEmail(mailA, deps);
    expect(first).toMatchObject({ status: 'retry', retryAfterMs: retryMs });
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now + retryMs));
    now += 3 * 60 * MINUTE;
    expect(await sendEmail(mailA, deps)).toMatchObject({ status: 'retry' });
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now + retryMs));

    // Released an hour after its last retry was due (a slow queue): counted when it went.
    now += 60 * MINUTE;
    holding = false;
    expect(await sendEmail(mailA, deps)).toMatchObject({ status: 'sent' });
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now));
  });

  it('no provider available: moved to the retry a minute on', async () => {
    const mailA = mail();
    const { entries, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    const now = MONDAY_1000_BERLIN + 5 * MINUTE;
    const { deps } = sendWorld({
      now: () => now,
      marketingSends: moves,
      chain: [
        ses(async () => {
          // The connection never opened: the provider cannot have the message.
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        }),
      ],
    });
    const outcome = await sendEmail(mailA, deps);
    expect(outcome).toMatchObject({ status: 'retry', reason: 'no provider available' });
    if (outcome.status !== 'retry') return;
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now + outcome.retryAfterMs));
  });

  it('held for the Send event (no answer from the provider): counted now, and again when a retry sends it', async () => {
    const mailA = mail();
    const { entries, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    let now = MONDAY_1000_BERLIN + 20 * MINUTE;
    let answer = false;
    const { deps } = sendWorld({
      now: () => now,
      marketingSends: moves,
      claimGraceMs: MINUTE,
      chain: [
        {
          provider: {
            name: 'resend',
            send: async () => {
              if (!answer) throw resendError({ name: 'application_error', statusCode: 500, message: 'timeout' });
              return { providerMessageId: 're-1' };
            },
          },
          breaker: providerBreaker('resend'),
        },
      ],
    });
    const held = await sendEmail(mailA, deps);
    expect(held.status).toBe('retry');
    // Whether the provider's answer reads as unknown (held for its event) or as a refusal
    // (given back), the entry is no earlier than this attempt.
    expect(entries.get(mailA.idempotencyKey) as number).toBeGreaterThanOrEqual(now);
    now += 2 * 60 * MINUTE;
    answer = true;
    expect(await sendEmail(mailA, deps)).toMatchObject({ status: 'sent' });
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now));
  });

  it('a failure before the provider call: not counted before the attempt', async () => {
    const mailA = mail();
    const { entries, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    const now = MONDAY_1000_BERLIN + 90 * MINUTE;
    const { deps } = sendWorld({
      now: () => now,
      marketingSends: moves,
      suppressions: {
        reasonsFor: async () => {
          throw new Error('DynamoDB unavailable');
        },
      },
    });
    await expect(sendEmail(mailA, deps)).rejects.toThrow('DynamoDB unavailable');
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(now));
  });

  it('in campaign time: a faster local clock moves the entry by the campaign time of the retry', async () => {
    const mailA = mail();
    const real = Date.parse('2026-12-07T09:00:00Z');
    const clock = scaledClock(60, { realMs: real, clockMs: MONDAY_1000_BERLIN }, () => real);
    const { entries, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    const { deps } = sendWorld({
      now: () => real,
      campaignClock: clock,
      marketingSends: moves,
      gate: { pausedReason: async () => 'paused' },
    });
    expect(await sendEmail(mailA, deps)).toMatchObject({ status: 'retry', retryAfterMs: 15 * MINUTE });
    // 15 real minutes are 15 campaign hours at 60x.
    expect(iso(entries.get(mailA.idempotencyKey) as number)).toBe(iso(MONDAY_1000_BERLIN + 15 * 60 * MINUTE));
  });

  it('tells nothing on the ordinary path (sent at its first claim), nor for mail no campaign logged', async () => {
    const mailA = mail();
    const { calls, moves } = capLog(mailA.idempotencyKey, MONDAY_1000_BERLIN);
    const { deps } = sendWorld({
      now: () => MONDAY_1000_BERLIN,
      marketingSends: moves,
      ledger: new MemorySendLedger(),
    });
    expect(await sendEmail(mailA, deps)).toMatchObject({ status: 'sent' });
    const paused = sendWorld({
      now: () => MONDAY_1000_BERLIN,
      marketingSends: moves,
      gate: { pausedReason: async () => 'paused' },
      pacer: { take: async () => ({ granted: false, waitMs: 1000 }) },
    });
    const { campaignId: _c, ...oneOff } = mailA;
    expect(await sendEmail({ ...oneOff, idempotencyKey: 'api#generated#1' }, paused.deps)).toMatchObject({
      status: 'retry',
    });
    const transactional: SendRequest = { ...mailA, idempotencyKey: 'campaign#t', category: 'transactional' };
    expect(await sendEmail(transactional, paused.deps)).toMatchObject({ status: 'retry', reason: 'paced' });
    expect(calls).toEqual([]);
  });
});
