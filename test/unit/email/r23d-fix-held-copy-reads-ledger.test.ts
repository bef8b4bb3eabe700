// Review round 23 (r23d, the fix): a campaign's marketing mail found outside its send window moves its
// frequency-cap entry to the opening only when the ledger holds it `open` (never claimed, or given back
// unsent). A copy of a mail the ledger holds sent is a duplicate at once; closed, it ends as the claim
// would end it (not-sent, its entry marked unsent unless possibly delivered); claimed (another attempt,
// claimed inside the window, may be sending it), it is held with its entry left where it is. Any other
// held mail reads nothing.
import { describe, expect, it } from 'vitest';
import type { MarketingSendMoves } from '../../../shared/campaigns/campaign-mailer';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import {
  campaignMailOf,
  MONDAY_1000_BERLIN,
  MONDAY_1703_BERLIN,
  TUESDAY_0900_BERLIN,
} from '../../support/campaign-mail';
import { MemorySendLedger } from '../../support/memory-send-ledger';
import { sendWorld } from './send-fixture';

const campaignMail = campaignMailOf();

function recordingLog() {
  const calls: string[] = [];
  const log: MarketingSendMoves = {
    heldUntil: async (_ws, _contactId, _key, atMs) => void calls.push(`held ${new Date(atMs).toISOString()}`),
    unsent: async () => void calls.push('unsent'),
  };
  return { log, calls };
}

/** A ledger whose reads are counted (`reads`), over the memory ledger's rules. */
function countingLedger() {
  const ledger = new MemorySendLedger();
  const reads: string[] = [];
  const stateOf = ledger.stateOf.bind(ledger);
  ledger.stateOf = async (ws, key) => {
    reads.push(key);
    return stateOf(ws, key);
  };
  return { ledger, reads };
}

describe('r23d-fix: a held campaign mail moves its cap entry only when the ledger holds it open', () => {
  it('moves the entry of a mail never claimed, with one ledger read each time it is found held', async () => {
    const { log, calls } = recordingLog();
    const { ledger, reads } = countingLedger();
    const { deps, outbox } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'retry' });
    expect(calls).toEqual([`held ${new Date(TUESDAY_0900_BERLIN).toISOString()}`]);
    expect(reads).toEqual([campaignMail.idempotencyKey]);
    expect(outbox).toEqual([]);
    // Nothing claimed on the hold path.
    expect(ledger.record('ws-1', campaignMail.idempotencyKey)).toBeUndefined();
  });

  it('moves the entry of a mail given back unsent (released) and then found held', async () => {
    const { log, calls } = recordingLog();
    const ledger = new MemorySendLedger();
    const claim = await ledger.claim('ws-1', campaignMail.idempotencyKey, MONDAY_1000_BERLIN, 60_000);
    expect(claim.status).toBe('claimed');
    await ledger.release('ws-1', campaignMail.idempotencyKey, undefined, { nothingSent: true });
    const { deps } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'retry' });
    expect(calls).toEqual([`held ${new Date(TUESDAY_0900_BERLIN).toISOString()}`]);
  });

  it('leaves the entry of a mail another attempt holds (claimed inside the window), and holds this copy', async () => {
    const { log, calls } = recordingLog();
    const ledger = new MemorySendLedger();
    await ledger.claim('ws-1', campaignMail.idempotencyKey, MONDAY_1703_BERLIN - 60_000, 300_000);
    const { deps, outbox } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    const outcome = await sendEmail(campaignMail, deps);
    expect(outcome).toMatchObject({ status: 'retry' });
    expect(outcome.status === 'retry' && outcome.reason).toMatch(/outside the send window/);
    expect(calls).toEqual([]);
    expect(outbox).toEqual([]);
  });

  it('ends a copy of a mail closed unsent as the claim would: not-sent, its entry marked unsent', async () => {
    const { log, calls } = recordingLog();
    const ledger = new MemorySendLedger();
    await ledger.close('ws-1', campaignMail.idempotencyKey, 'suppressed: unsubscribe');
    const { deps } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(calls).toEqual(['unsent']);
  });

  it('keeps counting a copy of a mail closed as possibly delivered, where the contact got it', async () => {
    const { log, calls } = recordingLog();
    const ledger = new MemorySendLedger();
    const reason = 'possibly delivered: resend already had a request with this send’s idempotency key';
    await ledger.close('ws-1', campaignMail.idempotencyKey, reason);
    const { deps } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'not-sent' });
    expect(calls).toEqual([]);
  });

  it('answers a copy of a mail already sent as a duplicate at once, not held overnight', async () => {
    const { log, calls } = recordingLog();
    let now = MONDAY_1000_BERLIN;
    const { deps, outbox } = sendWorld({ now: () => now, marketingSends: log });
    expect(await sendEmail(campaignMail, deps)).toMatchObject({ status: 'sent' });
    now = MONDAY_1703_BERLIN;
    expect(await sendEmail(campaignMail, deps)).toEqual({ status: 'duplicate' });
    expect(outbox).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('reads nothing for a held mail the cap does not count (transactional, one-off)', async () => {
    const { log, calls } = recordingLog();
    const { ledger, reads } = countingLedger();
    const { deps } = sendWorld({ ledger, now: () => MONDAY_1703_BERLIN, marketingSends: log });
    const transactional: SendRequest = { ...campaignMail, idempotencyKey: 'campaign#t', category: 'transactional' };
    expect(await sendEmail(transactional, deps)).toMatchObject({ status: 'retry' });
    const { campaignId: _c, ...oneOff } = campaignMail;
    expect(await sendEmail({ ...oneOff, idempotencyKey: 'api#generated#x' }, deps)).toMatchObject({
      status: 'retry',
    });
    expect(reads).toEqual([]);
    expect(calls).toEqual([]);
  });
});
