// Review round 26 (b): the frequency cap is passed when the sender holds capped marketing mail for
// any reason but its send window. The cap counts each campaign mail at the instant it was queued
// (the marketing send log), and only a send-window hold moves that entry to when the mail will
// really go (shared/email/send-email.ts:296-311 `heldForWindow`, `heldUntil`). A mail released
// because the workspace's marketing sending is paused (send-email.ts:391-392, the reputation
// auto-pause or an operator's pause) or because the pace / SES daily budget is spent
// (send-email.ts:414) keeps its queue-time entry, so a later campaign step's cap check
// (shared/campaigns/execute-node.ts:175-181, `nextAllowedSend` over the log) finds room once that
// stale instant is a period old, queues a second mail, and both go out together when sending
// resumes: a contact capped at 1 a day gets 2 within minutes. docs/CAMPAIGNS.md ("Rules",
// `frequencyCap`) promises "the cap counts what the contact receives, when ... no rolling day, or
// week, of the contact's holds more than `max`".
// Severity MEDIUM: a documented per-contact guarantee is broken for every capped contact with a
// mail caught in a pause or an exhausted daily quota (both ordinary: the auto-pause exists for
// reputation trouble, a big launch spends the SES quota); no data is lost, but mail is sent over a
// limit the workspace set (complaints, which feed the auto-pause again).
// Fails at 1fcafc7.
// Reached by: any workspace with a capped campaign without a send window (or whose window is open
// when the hold ends) whose marketing sending is paused (auto-pause on complaint/bounce rate, or
// paused by hand) or paced for a day, while another capped step for the same contact comes due.
import { describe, expect, it } from 'vitest';
import type { MarketingSendMoves } from '../../../shared/campaigns/campaign-mailer';
import { nextAllowedSend } from '../../../shared/campaigns/frequency-cap';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { CAMPAIGN_MAIL_KEY, campaignMailOf, MONDAY_1000_BERLIN } from '../../support/campaign-mail';
import { sendWorld } from './send-fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CAP = { max: 1, per: 'day' } as const;

/** The marketing send log of contact c1 as the cap reads it: an instant per send key. */
function sendLog() {
  const entries = new Map<string, number>();
  const moves: MarketingSendMoves = {
    // As dynamo-marketing-send-moves.ts: only ever moves an entry later.
    heldUntil: async (_ws, _contact, key, atMs) => {
      const at = entries.get(key);
      if (at !== undefined && atMs > at) entries.set(key, atMs);
    },
    unsent: async (_ws, _contact, key) => void entries.delete(key),
  };
  return { entries, moves };
}

/** A campaign mail to c1 with no send window (the campaign has none). */
function capped(key: string, sendId: string): SendRequest {
  const { window: _window, ...mail } = campaignMailOf('ws-1', key);
  return { ...mail, sendId };
}

describe('r26b: a capped mail held by the sender (paused, paced) still counts for the cap when it really goes', () => {
  it('a contact capped at 1 a day does not get two mails together after a sending pause', async () => {
    const { entries, moves } = sendLog();
    let now = MONDAY_1000_BERLIN;
    let paused: string | undefined = 'Marketing sends paused: complaint rate 0.40% of 250 sends reached 0.10%';
    const delivered: number[] = [];
    const { deps } = sendWorld({
      now: () => now,
      marketingSends: moves,
      gate: { pausedReason: async () => paused },
      chain: [
        {
          provider: {
            name: 'ses',
            send: async () => {
              delivered.push(now);
              return { providerMessageId: `ses-${delivered.length}` };
            },
          },
          breaker: providerBreaker('ses'),
        },
      ],
    });

    // Monday 10:00: campaign X's step finds room (nothing sent yet), logs mail A and queues it.
    expect(nextAllowedSend(CAP, [...entries.values()], now)).toBe(now);
    const a = capped(CAMPAIGN_MAIL_KEY, 'send-a');
    entries.set(a.idempotencyKey, now);

    // The workspace's marketing sending is paused: A comes back every 15 minutes, held.
    const tuesday1005 = MONDAY_1000_BERLIN + DAY + 5 * 60_000;
    for (; now < tuesday1005; now += 15 * 60_000) {
      expect(await sendEmail(a, deps)).toMatchObject({ status: 'retry' });
    }
    now = tuesday1005;

    // Tuesday 10:05: campaign Y's capped step for the same contact checks the cap as
    // execute-node.ts does. A has not reached the contact yet and will go whenever sending
    // resumes: the cap must not count it at Monday 10:00.
    const allowed = nextAllowedSend(CAP, [...entries.values()], now);
    const b = capped('campaign#cmpY#c1#1#mail#2', 'send-b');
    if (allowed <= now) entries.set(b.idempotencyKey, now);

    // Tuesday 12:00: sending resumes; the queue hands the sender what it holds.
    now = MONDAY_1000_BERLIN + DAY + 2 * HOUR;
    paused = undefined;
    expect(await sendEmail(a, deps)).toMatchObject({ status: 'sent' });
    if (allowed <= tuesday1005) await sendEmail(b, deps);

    // What the contact received: no rolling day holds more than the cap's max.
    const tooMany = delivered.filter((t) => delivered.filter((s) => s > t - DAY && s <= t).length > CAP.max);
    expect({ delivered: delivered.map((t) => new Date(t).toISOString()), tooMany: tooMany.length }).toEqual({
      delivered: [new Date(now).toISOString()],
      tooMany: 0,
    });
  });
});
