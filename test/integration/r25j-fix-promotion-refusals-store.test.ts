/**
 * Review round 25 (fixer j): a promotion refused for the campaign record's size is kept in one small
 * item per campaign (dynamo-promotion-refusals.ts), read back as written, the next replacing it, so
 * every container of the engine and the stats route see the same refusal.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoPromotionRefusals } from '../../shared/adapters/dynamo-promotion-refusals';
import type { PromotionRefusal } from '../../shared/campaigns/promotion';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r25jrefused-';
const CORE = `${PREFIX}core`;
let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

describe('the store of refused promotions', () => {
  it('reads back the refusal recorded, and the next one replaces it; another campaign has none', async () => {
    const refusals = dynamoPromotionRefusals(db, CORE);
    const first: PromotionRefusal = {
      workspaceId: 'ws-r25j',
      campaignId: 'cmp-1',
      revision: 3,
      versions: [1],
      nodes: ['ab', 'mail'],
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'The campaign would take 393400 bytes; a campaign may take at most 393216',
      at: '2026-12-07T10:00:00.000Z',
    };
    expect(await refusals.of('ws-r25j', 'cmp-1')).toBeUndefined();
    await refusals.record(first);
    expect(await refusals.of('ws-r25j', 'cmp-1')).toEqual(first);
    // A repeat (the SDK's retry of a Put whose answer was lost) writes the same.
    await refusals.record(first);
    const second = { ...first, revision: 7, versions: [1, 2], nodes: ['ab'] };
    await refusals.record(second);
    expect(await refusals.of('ws-r25j', 'cmp-1')).toEqual(second);
    expect(await refusals.of('ws-r25j', 'cmp-2')).toBeUndefined();
    expect(await refusals.of('ws-other', 'cmp-1')).toBeUndefined();
  });
});
