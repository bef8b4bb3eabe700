/**
 * Review round 26 (r26b-fix): on the DynamoDB emulator, a claim says whether an earlier attempt
 * claimed the send (`claimedBefore`, read from the old `attempts` the claim's write returns, no
 * extra call): the sender moves the frequency-cap entry of a campaign mail sent after a hold to the
 * instant it goes, and leaves the log alone on the ordinary path (send-email.ts `countsAt`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

let dynamo: DynamoHarness;
let ledger: ReturnType<typeof dynamoSendLedger>;

beforeAll(async () => {
  dynamo = await startDynamo('claimedbefore-');
  ledger = dynamoSendLedger(dynamo.db, dynamo.table('core'));
});
afterAll(() => dynamo?.stop());

const T = Date.parse('2026-12-08T09:00:00Z');
const LEASE = 300_000;

describe('r26b-fix: a claim says whether the send was claimed before', () => {
  it('first claim: no; after a release (nothing sent, or kept): yes; after a lease taken over: yes', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const first = await ledger.claim(ws, 'k1', T, LEASE);
    expect(first).toMatchObject({ status: 'claimed', claimedBefore: false });
    if (first.status !== 'claimed') return;
    await ledger.release(ws, 'k1', first.claimId, { nothingSent: true });
    const second = await ledger.claim(ws, 'k1', T + 1000, LEASE);
    expect(second).toMatchObject({ status: 'claimed', claimedBefore: true });
    if (second.status !== 'claimed') return;
    await ledger.release(ws, 'k1', second.claimId);
    expect(await ledger.claim(ws, 'k1', T + 2000, LEASE)).toMatchObject({ status: 'claimed', claimedBefore: true });
    // Its lease runs out: the next attempt takes it over.
    expect(await ledger.claim(ws, 'k1', T + 2000 + LEASE, LEASE)).toMatchObject({
      status: 'claimed',
      claimedBefore: true,
    });
    expect(await ledger.claim(ws, 'k2', T, LEASE)).toMatchObject({ status: 'claimed', claimedBefore: false });
  });
});
