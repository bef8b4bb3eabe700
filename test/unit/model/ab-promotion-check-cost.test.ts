/**
 * The engine's check of the `promote` rule is counted in the cost model: a Query of the stats
 * items per container, campaign and minute while a node is undecided, never per step.
 */
import { describe, expect, it } from 'vitest';
import {
  AB_PROMOTION_CHECK,
  AB_PROMOTION_WRITE,
  abPromotionCheckOps,
  STATS_SHARDS,
} from '../../../lib/model/campaign-costs';
import { CAMPAIGN_STATS_SHARDS } from '../../../shared/adapters/keys';
import { AUTO_PROMOTION_CHECK_MS } from '../../../shared/campaigns/promotion';

describe('the automatic promotion check in the cost model', () => {
  it('reads the stats items once a minute per container and campaign', () => {
    expect(STATS_SHARDS).toBe(CAMPAIGN_STATS_SHARDS);
    expect(AUTO_PROMOTION_CHECK_MS).toBe(60_000);
    // One eventually consistent Query of 8 shards x 8 items (the campaign-wide one, 5 nodes, 2 arms)
    // of <= 400 bytes: 25,600 bytes, 7 units of 4 KB, half a read unit each
    // (r25j-fix-stats-items-cost.test.ts measures the items).
    expect(AB_PROMOTION_CHECK.ops).toEqual({ rru: 3.5 });
    // 20 containers for a day: 100,800 RRU, about 1.3 cents at $0.125 / M.
    expect(abPromotionCheckOps(20, 24 * 60).rru).toBe(100_800);
    // The campaign and its version re-read (consistent); the record's Update (2 x 2 KB) and its audit
    // entry's Put (2 x 1 KB) in one transaction (launch-page-cost.test.ts measures both items).
    expect(AB_PROMOTION_WRITE.ops).toEqual({ rru: 2, wru: 2 * 2 + 2 });
  });
});
