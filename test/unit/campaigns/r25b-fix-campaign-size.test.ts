/**
 * Review round 25 (b): a campaign record keeps room for what later writes add (campaign-size.ts):
 * a draft past MAX_CAMPAIGN_DRAFT_BYTES is a 413 naming the limit, and a write that adds
 * promotions or approvals drops those of nodes no longer in use before it would pass
 * MAX_CAMPAIGN_RECORD_BYTES, or is a 413; never a record a status change can no longer write.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/campaigns/campaign';
import {
  assertDraftFits,
  fittedRecord,
  MAX_CAMPAIGN_DRAFT_BYTES,
  MAX_CAMPAIGN_RECORD_BYTES,
  recordBytes,
} from '../../../shared/campaigns/campaign-size';
import { journey } from '../../../shared/campaigns/journey';

const base = (promotions: Campaign['promotions'] = {}): Campaign => ({
  workspaceId: 'ws',
  campaignId: 'cmp',
  name: 'Big',
  status: 'active',
  journey: journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'm' },
      { id: 'm', kind: 'email', templateId: 't', subjectVariants: ['a', 'b'], next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  }),
  rules: { timeZone: 'UTC', reentry: { mode: 'never' } } as Campaign['rules'],
  promotions,
  revision: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u1',
});

const promotion = (i: number) => ({
  variant: 0,
  subject: 'x'.repeat(990),
  by: 'auto',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

describe('a campaign record within its bounds', () => {
  it('refuses a draft past the limit with a 413 naming it', () => {
    const big = { ...base(), description: 'd'.repeat(MAX_CAMPAIGN_DRAFT_BYTES) };
    expect(() => assertDraftFits(big)).toThrow(
      expect.objectContaining({
        status: 413,
        details: expect.objectContaining({ maxBytes: MAX_CAMPAIGN_DRAFT_BYTES }),
      }),
    );
    expect(() => assertDraftFits(base())).not.toThrow();
  });

  it('drops the oldest promotions of nodes no longer in use, keeps those of the draft and the version written for', () => {
    const stale = Object.fromEntries(Array.from({ length: 420 }, (_, i) => [`old${i}`, promotion(i)]));
    const next = base({ ...stale, m: promotion(9999), v2node: promotion(9998) });
    expect(recordBytes(next)).toBeGreaterThan(MAX_CAMPAIGN_RECORD_BYTES);
    const fitted = fittedRecord(next, ['v2node']);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(MAX_CAMPAIGN_RECORD_BYTES);
    expect(fitted.promotions?.m).toBeDefined();
    expect(fitted.promotions?.v2node).toBeDefined();
    expect(fitted.promotions?.old419).toBeDefined();
    expect(fitted.promotions?.old0).toBeUndefined();
  });

  it('leaves a record that fits as it is, and refuses one that cannot fit', () => {
    const small = base({ m: promotion(1) });
    expect(fittedRecord(small)).toBe(small);
    const kept = Object.fromEntries(Array.from({ length: 420 }, (_, i) => [`k${i}`, promotion(i)]));
    expect(() => fittedRecord(base(kept), Object.keys(kept))).toThrow(expect.objectContaining({ status: 413 }));
  });
});
