// Review round 19: this test failed at 4ce0ffd.
// The marketing send log answers whether a key's send was logged (`has`), so a step that exits
// before running an email node again counts the mail an earlier, failed try of it queued.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import { campaignMailer, campaignSendId } from '../../shared/campaigns/campaign-mailer';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r19g-fix-log-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

describe('r19g-fix: the marketing send log knows a key', () => {
  it('answers has() for a logged key only, of that contact', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    const key = 'campaign#a#p1#1#mail#2';
    expect(await log.has?.(ws, 'p1', key)).toBe(false);
    await log.record(ws, 'p1', 1_000, key);
    expect(await log.has?.(ws, 'p1', key)).toBe(true);
    expect(await log.has?.(ws, 'p1', 'campaign#a#p1#1#mail#3')).toBe(false);
    expect(await log.has?.(ws, 'p2', key)).toBe(false);
  });

  it('the campaign mailer answers queued() with the send id its send gave', async () => {
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const log = dynamoMarketingSendLog(db, CORE);
    const mailer = campaignMailer({
      from: 'news@example.com',
      unsubscribe: () => ({ url: 'https://example.com/u', headers: {} }),
      templates: { get: async () => undefined, version: async () => undefined },
      profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
      queue: { send: async () => undefined },
      sendLog: log,
      now: () => new Date(),
    });
    const key = 'campaign#a#p1#1#mail#2';
    expect(await mailer.queued?.(ws, 'p1', key)).toBeUndefined();
    await log.record(ws, 'p1', Date.now(), key);
    expect(await mailer.queued?.(ws, 'p1', key)).toEqual({ sendId: campaignSendId(key) });
  });
});
