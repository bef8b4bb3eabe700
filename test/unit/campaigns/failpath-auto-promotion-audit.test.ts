// Review round 16: this test failed at 5bc3520.
// An automatic A/B promotion (engine-made, audited `campaigns.promote` / AUTO) was written, then
// audited by a separate write whose failure was only logged: the promotion stood with no audit
// entry. The promotion and its entry are one write: both land, or neither (tried again later).
import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignStore } from '../../../shared/campaigns/campaign';
import type { CampaignVersions } from '../../../shared/campaigns/ports';
import { type AutoPromoted, autoPromoter, autoPromotingVersions } from '../../../shared/campaigns/promotion';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { armFor } from '../../../shared/campaigns/split';
import type { AuditRecord } from '../../../shared/identity/ports';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const SPLIT = {
  id: 'ab',
  kind: 'split',
  arms: [
    { id: 'a', percent: 50, next: 'mail' },
    { id: 'b', percent: 50, next: 'mail' },
  ],
  promote: { metric: 'converted' },
};
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    SPLIT,
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
/** Arm b converts 60 of 200, arm a 20 of 200: b wins at 95%. */
const B_WINS = { 'arm:ab:a': 200, 'arm:ab:b': 200, 'armconv:ab:a': 20, 'armconv:ab:b': 60 };
const inArmA = Array.from({ length: 100 }, (_, i) => `c${i}`).filter((c) => armFor(SPLIT, CAMPAIGN, c)?.id === 'a');

describe('an automatic promotion whose audit entry cannot be written', () => {
  it('is not written either, and lands with its entry once the audit log takes it', async () => {
    const w = campaignWorld(JOURNEY);
    for (const [k, v] of Object.entries(B_WINS)) w.counters.set(k, v);
    let campaign: Campaign = {
      workspaceId: WS,
      campaignId: CAMPAIGN,
      name: 'A/B',
      status: 'active',
      journey: w.published.journey,
      rules: w.published.rules,
      publishedVersion: 1,
      revision: 5,
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-01T00:00:00Z',
      createdBy: 'u1',
    };
    // The audit log, and whether it takes writes (a throttled or failing audit table).
    const audit: AuditRecord[] = [];
    let auditDown = true;
    // As the DynamoDB adapter: the campaign and the audit entries it is given in one transaction.
    const campaigns: CampaignStore = {
      get: async () => campaign,
      list: async () => ({ campaigns: [campaign] }),
      create: async () => undefined,
      async replace(next, options) {
        const entries = options?.audit ?? [];
        if (entries.length > 0 && auditDown) throw new Error('ProvisionedThroughputExceeded (audit)');
        if (next.revision !== campaign.revision + 1) return false;
        campaign = next;
        audit.push(...entries);
        return true;
      },
      publish: async () => false,
      version: async (_ws, _c, v) => (v === 1 ? w.published : undefined),
    };
    const base: CampaignVersions = {
      async load() {
        const published = campaign.promotions
          ? { ...w.published, rules: { ...w.published.rules, promotions: campaign.promotions } }
          : w.published;
        return { status: campaign.status, published };
      },
    };
    let realMs = 1_000_000;
    const promoted: AutoPromoted[] = [];
    const failed: unknown[] = [];
    const promoter = autoPromoter({
      campaigns,
      counters: async () => Object.fromEntries(w.counters),
      now: () => new Date(w.now()),
      promoted: (event) => void promoted.push(event),
      failed: (error) => void failed.push(error),
      realNowMs: () => realMs,
    });
    (w.deps as { versions: CampaignVersions }).versions = autoPromotingVersions(base, promoter);
    const enrol = (contactId: string) => {
      w.addContact(contactId);
      return enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
    };

    // The audit log is down: the arrival goes on as if nothing were due, and nothing is written.
    const [first, second] = inArmA as [string, string];
    await enrol(first);
    // Failed at 5bc3520: the promotion was written (revision 6) with no audit entry.
    expect(campaign.promotions).toBeUndefined();
    expect(campaign.revision).toBe(5);
    expect(audit).toEqual([]);
    expect(w.enrolments.get(`${CAMPAIGN}#${first}`)?.arms).toEqual({ ab: 'a' });
    expect(failed).toHaveLength(1);

    // A minute later the audit log takes writes: the promotion and its entry land together.
    auditDown = false;
    realMs += 60_000;
    await enrol(second);
    expect(campaign).toMatchObject({ revision: 6, promotions: { ab: { arm: 'b', by: 'auto' } } });
    expect(audit).toEqual([
      expect.objectContaining({
        workspaceId: WS,
        eventType: 'campaigns.promote',
        eventAction: 'AUTO',
        actorType: 'system',
        resourceType: 'campaigns',
        resourceId: CAMPAIGN,
        metadata: expect.objectContaining({
          node: 'ab',
          revision: 6,
          promotion: expect.objectContaining({ arm: 'b' }),
        }),
      }),
    ]);
    expect(w.enrolments.get(`${CAMPAIGN}#${second}`)?.arms).toEqual({ ab: 'b' });
    expect(promoted).toHaveLength(1);
  });
});
