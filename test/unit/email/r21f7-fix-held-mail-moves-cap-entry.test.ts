// Review round 21 (r21f7): the frequency cap counts a campaign's marketing mail at the instant the
// contact gets it. The sender tells the cap's log (`SendDeps.marketingSends`) when it holds such a
// mail for its send window (the entry moves to the opening) and when it closes one unsent for good
// (the entry counts no more); a mail that may have gone (possibly delivered) keeps counting, and the
// ordinary path, any other mail, tells it nothing.
import { describe, expect, it } from 'vitest';
import { resendError } from '../../../shared/adapters/resend-email';
import type { MarketingSendMoves } from '../../../shared/campaigns/campaign-mailer';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import {
  campaignMailOf,
  MONDAY_1000_BERLIN,
  MONDAY_2300_BERLIN,
  TUESDAY_0900_BERLIN,
} from '../../support/campaign-mail';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from './send-fixture';

const campaignMail = campaignMailOf();

function recordingLog() {
  const calls: string[] = [];
  const log: MarketingSendMoves = {
    heldUntil: async (ws, contactId, key, atMs) =>
      void calls.push(`held ${ws} ${contactId} ${key} ${new Date(atMs).toISOString()}`),
    unsent: async (ws, contactId, key) => void calls.push(`unsent ${ws} ${contactId} ${key}`),
  };
  return { log, calls };
}

describe('r21f7-fix: the sender tells the frequency cap when a campaign mail goes', () => {
  it('moves a held mail’s entry to the opening it waits for, every time it finds it held (the log writes once)', async () => {
    const { log, calls } = recordingLog();
    let now = MONDAY_2300_BERLIN;
    const { deps, outbox } = sendWorld({ now: () => now, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'retry' });
    now += 15 * 60_000;
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'retry' });
    const held = `held ws-1 c1 ${campaignMail.idempotencyKey} ${new Date(TUESDAY_0900_BERLIN).toISOString()}`;
    expect(calls).toEqual([held, held]);
    // At the opening it goes: nothing more is told (the entry is at the instant it went).
    now = TUESDAY_0900_BERLIN;
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'sent' });
    expect(outbox).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it('tells nothing on the ordinary path, nor for a mail no campaign logged (transactional, one-off)', async () => {
    const { log, calls } = recordingLog();
    const inside = sendWorld({ now: () => MONDAY_1000_BERLIN, marketingSends: log });
    expect(await sendEmail(campaignMail, inside.deps)).toMatchObject({ status: 'sent' });
    const outside = sendWorld({ now: () => MONDAY_2300_BERLIN, marketingSends: log });
    const transactional: SendRequest = { ...campaignMail, idempotencyKey: 'campaign#t', category: 'transactional' };
    expect(await sendEmail(transactional, outside.deps)).toMatchObject({ status: 'retry' });
    const { campaignId: _c, ...oneOff } = campaignMail;
    expect(await sendEmail({ ...oneOff, idempotencyKey: 'api#generated#x' }, outside.deps)).toMatchObject({
      status: 'retry',
    });
    expect(calls).toEqual([]);
  });

  it('marks a mail closed unsent (suppressed at send), again on a redelivery of the closed send', async () => {
    const { log, calls } = recordingLog();
    const { deps, outbox } = sendWorld({
      now: () => MONDAY_1000_BERLIN,
      marketingSends: log,
      suppressions: { reasonsFor: async () => ['unsubscribe'] },
    });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'not-sent' });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'not-sent' });
    expect(outbox).toEqual([]);
    const unsent = `unsent ws-1 c1 ${campaignMail.idempotencyKey}`;
    expect(calls).toEqual([unsent, unsent]);
  });

  it('keeps counting a mail closed as possibly delivered (the provider already had its key)', async () => {
    const { log, calls } = recordingLog();
    const { deps } = sendWorld({
      ledger: new MemorySendLedger(),
      now: () => MONDAY_1000_BERLIN,
      marketingSends: log,
      chain: [
        {
          provider: {
            name: 'resend',
            send: async () => {
              throw resendError({ name: 'invalid_idempotent_request', statusCode: 409, message: 'Same key.' });
            },
          },
          breaker: providerBreaker('resend'),
        },
      ],
    });
    const outcome = await sendEmail(campaignMail, deps);
    expect(outcome.status === 'not-sent' && outcome.reason).toMatch(/^possibly delivered/);
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'not-sent' });
    expect(calls).toEqual([]);
  });
});
