// Review round 21 (r21f7): the marketing send log's entries count at the instant their mail goes.
// `heldUntil` moves a logged entry later (once: a conditional UpdateItem; never earlier, never an
// entry the log does not have); `unsent` takes a mail closed unsent out of the count, and `has` still
// finds it. The ordinary path writes as before: one entry, in a BatchWriteItem.
import { createHash, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import { interactionPk, marketingSendSk } from '../../shared/adapters/keys';
import { countingClient, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r21f7-log-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const DAY = 86_400_000;
const T = Date.parse('2026-12-07T16:50:00Z');

describe('r21f7-fix: the send log counts a held mail at its opening, a closed one not at all', () => {
  it('moves an entry to a later instant once, never back, and makes none for a key it does not have', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const counted = countingClient(db);
    const log = dynamoMarketingSendLog(counted.db, CORE);
    await log.record(ws, 'c1', T, 'k1');
    expect(counted.calls).toEqual(['BatchWriteCommand']);
    const opening = T + 16 * 3_600_000 + 10 * 60_000; // the next day, 09:00
    await log.heldUntil(ws, 'c1', 'k1', opening);
    await log.heldUntil(ws, 'c1', 'k1', opening); // the hold found again: nothing changes
    await log.heldUntil(ws, 'c1', 'k1', T + 60_000); // earlier: nothing changes
    expect(await log.since(ws, 'c1', T - 7 * DAY)).toEqual([opening]);
    // A cap check a day and a minute after the queueing (it looks a day back) still counts it.
    expect(await log.since(ws, 'c1', T + 60_000)).toEqual([opening]);
    // Its time to live moved with it.
    const { Item } = await db.send(
      new GetCommand({ TableName: CORE, Key: { pk: interactionPk(ws, 'c1'), sk: skOf('k1') } }),
    );
    expect(Item?.expiresAt).toBe(Math.floor((opening + 8 * DAY) / 1000));
    // None made for a mail the log never had (transactional, another contact).
    await log.heldUntil(ws, 'c2', 'k1', opening);
    expect(await log.since(ws, 'c2', 0)).toEqual([]);
    expect(await log.has?.(ws, 'c2', 'k1')).toBe(false);
  });

  it('takes a mail closed unsent out of the count; has() still finds it; a replay logs it anew', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    await log.record(ws, 'c1', T, 'k1');
    await log.record(ws, 'c1', T + 1000, 'k2');
    await log.unsent(ws, 'c1', 'k1');
    await log.unsent(ws, 'c1', 'k1');
    expect(await log.since(ws, 'c1', 0)).toEqual([T + 1000]);
    expect(await log.has?.(ws, 'c1', 'k1')).toBe(true);
    await log.unsent(ws, 'c1', 'k9');
    expect(await log.has?.(ws, 'c1', 'k9')).toBe(false);
    // A step's replay rewrites the entry: counted again, until the sender closes its message again.
    await log.record(ws, 'c1', T + 2000, 'k1');
    expect([...(await log.since(ws, 'c1', 0))].sort()).toEqual([T + 1000, T + 2000]);
  });
});

/** The entry's sort key: the adapter's hash of the send's key (sha256, 32 hex characters). */
const skOf = (key: string) => marketingSendSk(createHash('sha256').update(key).digest('hex').slice(0, 32));
