/**
 * Review round 25 (fixer j): the engine's automatic promotion of an A/B winner, when the campaign
 * record cannot hold it even after pruning (campaign-size.ts: 413 PAYLOAD_TOO_LARGE), was logged as
 * a failed check and tried again every minute for ever, while the stats kept saying "promoted
 * automatically at the next arrival". Now the refusal is recorded at the campaign's revision (one
 * small item, shared by every container), not tried again until the campaign changes, and the stats
 * say `refused`, with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/campaigns/campaign';
import { MAX_CAMPAIGN_RECORD_BYTES, recordBytes } from '../../../shared/campaigns/campaign-size';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import {
  autoPromoter,
  memoryPromotionRefusals,
  type PromotionRefusal,
  runningStats,
} from '../../../shared/campaigns/promotion';
import { memoryCampaigns } from './campaign-world';

const WS = 'ws-r25j';
const CAMPAIGN = 'cmp-r25j';
/** Arm b converts 60 of 200, arm a 20 of 200: b wins at 95%. */
const B_WINS = { 'arm:ab:a': 200, 'arm:ab:b': 200, 'armconv:ab:a': 20, 'armconv:ab:b': 60 };

/** A split with the rule, then `fillers` email nodes of 4 long subject lines each (~4 KB a node). */
function journeyWith(fillers: number) {
  const mails = Array.from({ length: fillers }, (_, i) => ({
    id: `m${i}`,
    kind: 'email',
    templateId: 't1',
    subjectVariants: ['A', 'B', 'C', 'D'].map((l) => `${l}${i} `.padEnd(990, 'x')),
    next: i + 1 < fillers ? `m${i + 1}` : 'end',
  }));
  return journeySchema.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'ab' },
      {
        id: 'ab',
        kind: 'split',
        arms: [
          { id: 'a', percent: 50, next: fillers > 0 ? 'm0' : 'end' },
          { id: 'b', percent: 50, next: fillers > 0 ? 'm0' : 'end' },
        ],
        promote: { metric: 'converted' },
      },
      ...mails,
      { id: 'end', kind: 'exit' },
    ],
  });
}

/** An active campaign whose record (draft and version alike) is past what may hold another promotion. */
async function world() {
  const store = memoryCampaigns();
  const big = journeyWith(96);
  const bare: Campaign = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    name: 'Large A/B',
    status: 'active',
    journey: big,
    rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    publishedVersion: 1,
    revision: 3,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'u1',
  };
  // Filled to within 60 bytes of the bound: a promotion (~200 bytes) does not fit, nothing is prunable.
  const empty = recordBytes({ ...bare, description: '' });
  const campaign: Campaign = { ...bare, description: 'x'.repeat(MAX_CAMPAIGN_RECORD_BYTES - empty - 60) };
  expect(MAX_CAMPAIGN_RECORD_BYTES - recordBytes(campaign)).toBe(60);
  const published: PublishedVersion = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    version: 1,
    journey: big,
    rules: campaign.rules,
  };
  await store.create(campaign);
  store.versions.set(`${WS}/${CAMPAIGN}/1`, published);
  const refusals = memoryPromotionRefusals();
  let realMs = 1_000_000;
  const told = { refused: [] as PromotionRefusal[], failed: [] as unknown[], versionReads: 0 };
  const container = () =>
    autoPromoter({
      campaigns: {
        ...store,
        version: async (...args) => {
          told.versionReads += 1;
          return store.version(...args);
        },
      },
      refusals,
      counters: async () => B_WINS,
      now: () => new Date('2026-12-07T10:00:00.000Z'),
      promoted: () => undefined,
      refused: (refusal) => void told.refused.push(refusal),
      failed: (error) => void told.failed.push(error),
      realNowMs: () => realMs,
    });
  return {
    store,
    published,
    refusals,
    told,
    container,
    nextMinute: () => {
      realMs += 61_000;
    },
  };
}

describe('an automatic promotion the campaign record cannot hold', () => {
  it('is refused once, recorded with its reason, and not tried again while the campaign is unchanged', async () => {
    const w = await world();
    const engine = w.container();
    const ask = () => engine.promotionsFor(WS, CAMPAIGN, w.published.journey, undefined, 1);

    expect(await ask()).toEqual({});
    expect(w.told.failed).toEqual([]);
    expect(w.told.refused).toHaveLength(1);
    const [refusal] = w.told.refused;
    expect(refusal).toMatchObject({ revision: 3, versions: [1], nodes: ['ab'], code: 'PAYLOAD_TOO_LARGE' });
    expect(refusal?.reason).toContain(String(MAX_CAMPAIGN_RECORD_BYTES));
    expect(await w.refusals.of(WS, CAMPAIGN)).toEqual(refusal);

    // Ten minutes of steps in this container and in a fresh one: nothing is judged or written again.
    const reads = w.told.versionReads;
    for (let minute = 0; minute < 10; minute += 1) {
      w.nextMinute();
      expect(await ask()).toEqual({});
      expect(await w.container().promotionsFor(WS, CAMPAIGN, w.published.journey, undefined, 1)).toEqual({});
    }
    expect(w.told.refused).toHaveLength(1);
    expect(w.told.failed).toEqual([]);
    expect(w.told.versionReads).toBe(reads);
    expect(w.store.replaces).toBe(0);
  });

  it('is judged once more for a step of another version, then neither version is tried again', async () => {
    const w = await world();
    w.store.versions.set(`${WS}/${CAMPAIGN}/2`, { ...w.published, version: 2 });
    const engine = w.container();
    const ask = (version: number) => engine.promotionsFor(WS, CAMPAIGN, w.published.journey, undefined, version);
    await ask(1);
    w.nextMinute();
    await ask(2);
    expect(w.told.refused.map((r) => r.versions)).toEqual([[1], [1, 2]]);
    for (let minute = 0; minute < 5; minute += 1) {
      w.nextMinute();
      await ask(minute % 2 === 0 ? 1 : 2);
    }
    expect(w.told.refused).toHaveLength(2);
    expect(w.told.failed).toEqual([]);
  });

  it('shows as refused in the stats, with the reason, until the campaign changes; then it is promoted', async () => {
    const w = await world();
    const engine = w.container();
    await engine.promotionsFor(WS, CAMPAIGN, w.published.journey, undefined, 1);

    const stored = (await w.store.get(WS, CAMPAIGN)) as Campaign;
    const { stats } = await runningStats(stored, B_WINS, { campaigns: w.store, refusals: w.refusals });
    expect(stats.splits.ab?.autoPromotion).toMatchObject({
      status: 'refused',
      winner: 'b',
      refused: { code: 'PAYLOAD_TOO_LARGE', revision: 3 },
    });
    expect(stats.splits.ab?.autoPromotion?.text).toMatch(/not promoted/);

    // A person saves a smaller draft: the revision moves on, the stats say `due`, the next check writes it.
    expect(await w.store.replace({ ...stored, journey: journeyWith(1), revision: 4 })).toBe(true);
    const changed = (await w.store.get(WS, CAMPAIGN)) as Campaign;
    const before = await runningStats(changed, B_WINS, { campaigns: w.store, refusals: w.refusals });
    expect(before.stats.splits.ab?.autoPromotion?.status).toBe('due');
    w.nextMinute();
    const added = await engine.promotionsFor(WS, CAMPAIGN, w.published.journey, undefined, 1);
    expect(added.ab).toMatchObject({ arm: 'b', by: 'auto' });
    expect(w.told.refused).toHaveLength(1);
    const promoted = (await w.store.get(WS, CAMPAIGN)) as Campaign;
    const after = await runningStats(promoted, B_WINS, { campaigns: w.store, refusals: w.refusals });
    expect(after.stats.splits.ab?.autoPromotion?.status).toBe('promoted');
  });
});
