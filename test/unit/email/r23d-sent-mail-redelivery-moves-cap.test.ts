// Review round 23: this test failed at dfdd2c4.
// Review round 23 (r23d): a campaign's marketing mail already SENT, delivered again after its send
// window closed (an SQS duplicate; the copy a sender requeued as `in-flight` while another attempt
// was sending it, which comes back after the 300 s lease; a batch redelivered after a timeout),
// moves its frequency-cap entry to the next opening.
//
// docs/CAMPAIGNS.md: "the cap counts what the contact receives, when ... when the email sender holds
// one past its send window's end it moves that entry to the opening it waits for". A mail the contact
// already received is not held: it will never be sent again (its redelivery at the opening is a
// `duplicate`). Yet `sendEmail` (shared/email/send-email.ts) judges the window BEFORE the ledger
// claim (`windowWait`), and tells the cap's log `heldUntil(opening)` for it, so the log's entry for
// today's mail moves to tomorrow 09:00: today the contact's log shows one mail fewer than it got (a
// capped campaign may mail it again today, past `max`), and tomorrow one more (a mail it may get is
// deferred).
import { describe, expect, it } from 'vitest';
import type { MarketingSendMoves } from '../../../shared/campaigns/campaign-mailer';
import { sendEmail } from '../../../shared/email/send-email';
import {
  campaignMailOf,
  MONDAY_1658_BERLIN,
  MONDAY_1703_BERLIN,
  TUESDAY_0900_BERLIN,
} from '../../support/campaign-mail';
import { sendWorld } from './send-fixture';

const campaignMail = campaignMailOf();

/** The cap's log as the adapter keeps it: the instant each entry counts at (moved only later). */
function capLog(initial: Record<string, number>) {
  const atMs = new Map(Object.entries(initial));
  const log: MarketingSendMoves = {
    heldUntil: async (_ws, _contact, key, at) => {
      const current = atMs.get(key);
      if (current !== undefined && current < at) atMs.set(key, at);
    },
    unsent: async () => undefined,
  };
  return { log, atMs };
}

describe('r23d: a campaign mail already sent, delivered again after its window closed', () => {
  it('is not held, and its frequency-cap entry stays at the instant the contact got it', async () => {
    // The campaign step logged the mail when it queued it (16:58), inside the window.
    const { log, atMs } = capLog({ [campaignMail.idempotencyKey]: MONDAY_1658_BERLIN });
    let now = MONDAY_1658_BERLIN;
    const { deps, outbox } = sendWorld({ now: () => now, marketingSends: log });

    // 16:58: it goes.
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'sent' });
    expect(outbox).toHaveLength(1);

    // 17:03: a second delivery of the same message (a duplicate, or a copy requeued meanwhile).
    now = MONDAY_1703_BERLIN;
    const again = await sendEmail(campaignMail, deps);

    // Nothing is sent again either way; the defect is what the cap is told.
    expect(outbox).toHaveLength(1);
    const counted = atMs.get(campaignMail.idempotencyKey);
    expect(
      counted,
      `the frequency cap's entry of a mail the contact got at ${new Date(MONDAY_1658_BERLIN).toISOString()} was moved to ${new Date(
        counted ?? 0,
      ).toISOString()} by a redelivery found outside the window (outcome: ${JSON.stringify(again)})`,
    ).toBe(MONDAY_1658_BERLIN);
    expect(counted).not.toBe(TUESDAY_0900_BERLIN);
  });
});
