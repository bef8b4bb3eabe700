// Review round 23 (r23d, the fix), on the DynamoDB emulator: the send ledger's `stateOf` reads a
// record without claiming it (absent or released: open; claimed; sent; closed with its reason), and a
// campaign's marketing mail sent at 16:58 whose copy arrives at 17:03 is a duplicate: one GetItem,
// its frequency-cap entry left at the instant the contact got it. A mail never sent still moves its
// entry to the opening (one GetItem, one conditional UpdateItem).
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { sendEmail } from '../../shared/email/send-email';
import { campaignMailOf, MONDAY_1658_BERLIN, MONDAY_1703_BERLIN, TUESDAY_0900_BERLIN } from '../support/campaign-mail';
import { countingClient, dynamoForFile } from '../support/dynamo-emulator';
import { sendWorld } from '../unit/email/send-fixture';

const PREFIX = 'r23d-ledger-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

describe('r23d-fix: the ledger read on the hold path', () => {
  it('stateOf: open (absent, released), claimed, sent, closed with its reason; it claims nothing', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const ledger = dynamoSendLedger(db, CORE);
    expect(await ledger.stateOf(ws, 'k')).toEqual({ state: 'open' });
    const claim = await ledger.claim(ws, 'k', MONDAY_1658_BERLIN, 60_000);
    expect(await ledger.stateOf(ws, 'k')).toEqual({ state: 'claimed' });
    await ledger.release(ws, 'k', claim.status === 'claimed' ? claim.claimId : undefined, { nothingSent: true });
    expect(await ledger.stateOf(ws, 'k')).toEqual({ state: 'open' });
    await ledger.claim(ws, 'k', MONDAY_1658_BERLIN, 60_000);
    await ledger.markSent(ws, 'k', {
      provider: 'ses',
      providerMessageId: 'ses-1',
      fallbackUsed: false,
      atMs: MONDAY_1658_BERLIN,
    });
    expect(await ledger.stateOf(ws, 'k')).toEqual({ state: 'sent' });
    await ledger.close(ws, 'k2', 'suppressed: bounce', MONDAY_1658_BERLIN);
    expect(await ledger.stateOf(ws, 'k2')).toEqual({ state: 'closed', reason: 'suppressed: bounce' });
    // A read: the record of an absent key is not made.
    expect(await ledger.stateOf(ws, 'k3')).toEqual({ state: 'open' });
    expect(await ledger.claim(ws, 'k3', MONDAY_1658_BERLIN, 60_000)).toMatchObject({ status: 'claimed' });
  });

  it('a copy of a mail sent at 16:58, found at 17:03: a duplicate, one GetItem, its cap entry unmoved', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const key = `campaign#cmp1#c1#1#mail#${randomUUID().slice(0, 6)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    await log.record(ws, 'c1', MONDAY_1658_BERLIN, key);
    let now = MONDAY_1658_BERLIN;
    const counted = countingClient(db);
    const { deps, outbox } = sendWorld({
      ledger: dynamoSendLedger(counted.db, CORE),
      marketingSends: dynamoMarketingSendLog(counted.db, CORE),
      now: () => now,
    });
    expect(await sendEmail(campaignMailOf(ws, key), deps)).toMatchObject({ status: 'sent' });
    expect(outbox).toHaveLength(1);
    now = MONDAY_1703_BERLIN;
    counted.calls.length = 0;
    expect(await sendEmail(campaignMailOf(ws, key), deps)).toEqual({ status: 'duplicate' });
    expect(counted.calls).toEqual(['GetCommand']);
    expect(await log.since(ws, 'c1', 0)).toEqual([MONDAY_1658_BERLIN]);
  });

  it('a mail never sent, found at 17:03: held, its entry moved to the opening (GetItem, UpdateItem)', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const key = `campaign#cmp1#c1#1#mail#${randomUUID().slice(0, 6)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    await log.record(ws, 'c1', MONDAY_1658_BERLIN, key);
    const counted = countingClient(db);
    const { deps, outbox } = sendWorld({
      ledger: dynamoSendLedger(counted.db, CORE),
      marketingSends: dynamoMarketingSendLog(counted.db, CORE),
      now: () => MONDAY_1703_BERLIN,
    });
    expect(await sendEmail(campaignMailOf(ws, key), deps)).toMatchObject({ status: 'retry' });
    expect(counted.calls).toEqual(['GetCommand', 'UpdateCommand']);
    expect(outbox).toEqual([]);
    expect(await log.since(ws, 'c1', 0)).toEqual([TUESDAY_0900_BERLIN]);
  });
});
