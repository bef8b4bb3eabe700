/**
 * The engine's check of the `promote` rule is counted in the cost model: a BatchGet of the stats
 * shards per container, campaign and minute while a node is undecided, never per step.
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
  it('reads the stats shards once a minute per container and campaign', () => {
    expect(STATS_SHARDS).toBe(CAMPAIGN_STATS_SHARDS);
    expect(AUTO_PROMOTION_CHECK_MS).toBe(60_000);
    // Eventually consistent items of under 4 KB: half a read unit each.
    expect(AB_PROMOTION_CHECK.ops).toEqual({ rru: 4 });
    // 20 containers for a day: 115,200 RRU, about 1.4 cents at $0.125 / M.
    expect(abPromotionCheckOps(20, 24 * 60).rru).toBe(115_200);
    // The campaign and its version re-read (consistent); the record's Update (2 x 2 KB) and its audit
    // entry's Put (2 x 1 KB) in one transaction (launch-page-cost.test.ts measures both items).
    expect(AB_PROMOTION_WRITE.ops).toEqual({ rru: 2, wru: 2 * 2 + 2 });
  });
});
