import { describe, expect, it } from 'vitest';
import { statedTest, twoSidedP } from '../../../shared/campaigns/ab-test';
import type { Campaign, CampaignDeps } from '../../../shared/campaigns/campaign';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { type Journey, journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import {
  autoPromoter,
  duePromotions,
  promoteNode,
  runningStats,
  undoPromotion,
} from '../../../shared/campaigns/promotion';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { armFor, subjectLineId } from '../../../shared/campaigns/split';
import { campaignStats } from '../../../shared/campaigns/stats';
import { trackedCampaignCounts } from '../../../shared/campaigns/tracked-counts';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const arm = (id: string, entered: number, successes: number) => ({ arm: id, entered, successes });
/** mail-b's subject lines' ids: what their counters are keyed by (split.ts `subjectLineId`). */
const B = ['Hello', 'Hi there', 'Hey'].map(subjectLineId);

describe('the stated A/B test', () => {
  it('gives the rates, z, p and a plain verdict when one arm wins at 95%', () => {
    const test = statedTest([arm('a', 1000, 90), arm('b', 1000, 120)], { label: (a) => `arm ${a}` });
    expect(test).toMatchObject({
      metric: 'converted',
      confidence: 0.95,
      minPerArm: 100,
      enoughData: true,
      alpha: 0.05,
    });
    expect(test.arms.map((a) => a.rate)).toEqual([0.09, 0.12]);
    expect(test.comparisons).toHaveLength(1);
    expect(test.comparisons[0]?.z).toBeCloseTo(2.1883, 3);
    expect(test.comparisons[0]?.p).toBeCloseTo(0.02865, 4);
    expect(test.verdict).toMatchObject({ status: 'winner', winner: 'b', text: 'Arm b wins on conversions at 95%' });
  });

  it('says "not enough data" until every arm has 100 (or the stated minimum)', () => {
    expect(statedTest([arm('a', 99, 90), arm('b', 500, 5)]).verdict).toEqual({
      status: 'too-few',
      needPerArm: 100,
      text: 'Not enough data: 100 per arm needed (smallest arm has 99)',
    });
    expect(statedTest([arm('a', 150, 90), arm('b', 500, 5)], { minPerArm: 200 }).verdict.status).toBe('too-few');
    // A minimum below 100 is raised to 100.
    expect(statedTest([arm('a', 50, 40), arm('b', 50, 2)], { minPerArm: 10 }).verdict.status).toBe('too-few');
  });

  it('says "no significant difference" for a small difference', () => {
    expect(statedTest([arm('a', 1000, 100), arm('b', 1000, 95)]).verdict).toMatchObject({
      status: 'no-difference',
      text: 'No significant difference on conversions at 95%',
    });
  });

  it('computes two-sided p-values of the normal distribution', () => {
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 5);
    expect(twoSidedP(0)).toBeCloseTo(1, 6);
  });

  it('with three arms, tests the best against each other at 5% / 2 (Bonferroni)', () => {
    // Best vs runner-up: z = 2.188, p = 0.029: a winner at 95% with two arms, not with three.
    const three = statedTest([arm('a', 1000, 90), arm('b', 1000, 120), arm('c', 1000, 50)]);
    expect(three.alpha).toBeCloseTo(0.025, 10);
    expect(three.comparisons.map((c) => [c.arm, c.against])).toEqual([
      ['a', 'b'],
      ['c', 'b'],
    ]);
    expect(three.verdict.status).toBe('no-difference');
    const clear = statedTest([arm('a', 1000, 80), arm('b', 1000, 130), arm('c', 1000, 50)]);
    expect(clear.verdict).toMatchObject({ status: 'winner', winner: 'b' });
  });
});

const SPLIT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      arms: [
        { id: 'a', percent: 45, next: 'wait-a' },
        { id: 'b', percent: 45, next: 'wait-b' },
      ],
      holdoutPercent: 10,
      promote: { metric: 'converted' },
    },
    { id: 'wait-a', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail-a' },
    { id: 'wait-b', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'mail-b' },
    { id: 'mail-a', kind: 'email', templateId: 't-a', next: 'end' },
    {
      id: 'mail-b',
      kind: 'email',
      templateId: 't-b',
      subjectVariants: ['Hello', 'Hi there', 'Hey'],
      next: 'end',
    },
    { id: 'end', kind: 'exit' },
  ],
};

/** An in-memory campaign store with the revision rule of the DynamoDB one. */
function campaignStore(journey: Journey, status: Campaign['status'] = 'active') {
  const version: PublishedVersion = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    version: 1,
    journey,
    rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
  };
  let stored: Campaign = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    name: 'A/B',
    status,
    journey,
    rules: version.rules,
    publishedVersion: 1,
    revision: 3,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    createdBy: 'u1',
  };
  const deps: CampaignDeps = {
    campaigns: {
      get: async (_ws, id) => (id === CAMPAIGN ? stored : undefined),
      list: async () => ({ campaigns: [stored] }),
      create: async () => undefined,
      async replace(next) {
        if (next.revision !== stored.revision + 1) return false;
        stored = next;
        return true;
      },
      publish: async () => false,
      version: async (_ws, _c, v) => (v === 1 ? version : undefined),
    },
    now: () => new Date('2026-12-07T12:00:00Z'),
    newId: () => 'id',
  };
  return { deps, current: () => stored };
}

const enrol = (w: ReturnType<typeof campaignWorld>, contactId: string) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);

describe('promoting a winner', () => {
  it('sends every new arrival but the holdout to the promoted arm, leaves earlier ones be, and undoes', async () => {
    const journey = journeySchema.parse(SPLIT_JOURNEY);
    const w = campaignWorld(journey);
    const store = campaignStore(journey);
    // The step runner reads promotions with the version (dynamo-campaigns.ts does the same merge).
    const follow = () => {
      (w.published as { rules: PublishedVersion['rules'] }).rules = {
        ...w.published.rules,
        ...(store.current().promotions ? { promotions: store.current().promotions } : {}),
      };
    };
    const armOf = (id: string) => w.enrolments.get(`${CAMPAIGN}#${id}`)?.arms.ab;
    const before = Array.from({ length: 40 }, (_, i) => `early${i}`);
    for (const id of before) {
      w.addContact(id);
      await enrol(w, id);
    }
    const earlyArms = before.map(armOf);
    expect(earlyArms).toContain('a');

    const promoted = await promoteNode(WS, CAMPAIGN, 'ab', { arm: 'b' }, 'u9', store.deps);
    expect(promoted.promotions?.ab).toMatchObject({ arm: 'b', by: 'user:u9', at: '2026-12-07T12:00:00.000Z' });
    follow();
    const after = Array.from({ length: 60 }, (_, i) => `late${i}`);
    for (const id of after) {
      w.addContact(id);
      await enrol(w, id);
    }
    const lateArms = after.map(armOf);
    expect(new Set(lateArms.filter(Boolean))).toEqual(new Set(['b']));
    // The holdout keeps measuring: the same contacts as without a promotion.
    const split = journey.nodes[1] as Parameters<typeof armFor>[0];
    expect(after.filter((id) => armOf(id) === undefined)).toEqual(
      after.filter((id) => armFor(split, CAMPAIGN, id) === undefined),
    );
    expect(lateArms.some((a) => a === undefined)).toBe(true);
    // Contacts already past the split keep their arm, and get its mail.
    await w.advanceTo(w.now() + 2 * DAY);
    expect(before.map(armOf)).toEqual(earlyArms);
    const early = before.find((id) => armOf(id) === 'a') as string;
    expect([...w.sends.values()].filter((s) => s.contactId === early).map((s) => s.nodeId)).toEqual(['mail-a']);

    const undone = await undoPromotion(WS, CAMPAIGN, 'ab', 'u9', store.deps);
    expect(undone.promotions?.ab).toMatchObject({ arm: 'b', undone: { by: 'user:u9' } });
    follow();
    const again = Array.from({ length: 40 }, (_, i) => `again${i}`);
    for (const id of again) {
      w.addContact(id);
      await enrol(w, id);
    }
    expect(again.map(armOf)).toContain('a');
  });

  it('gives every new arrival the promoted subject line and counts its conversions per variant', async () => {
    const journey = journeySchema.parse(SPLIT_JOURNEY);
    const w = campaignWorld(journey, {
      promotions: { ab: { arm: 'b', by: 'user:u1', at: 'x' }, 'mail-b': { variant: 2, by: 'user:u1', at: 'x' } },
    });
    for (let i = 0; i < 30; i += 1) {
      w.addContact(`c${i}`);
      await enrol(w, `c${i}`);
    }
    await w.advanceTo(w.now() + 2 * DAY);
    const subjects = new Set([...w.sends.values()].map((s) => s.subject));
    expect(subjects).toEqual(new Set(['Hey']));
    const sent = [...w.sends.values()].length;
    expect(w.counters.get(`variant:mail-b:${B[2]}`)).toBe(sent);
    expect([...w.enrolments.values()].find((e) => e.emails['mail-b'])?.arms).toEqual({ ab: 'b', 'mail-b': B[2] });
  });

  it('refuses an unknown node (404), a bad arm or variant (400) and an archived campaign (409)', async () => {
    const journey = journeySchema.parse(SPLIT_JOURNEY);
    const { deps } = campaignStore(journey);
    await expect(promoteNode(WS, CAMPAIGN, 'nope', { arm: 'a' }, 'u', deps)).rejects.toMatchObject({
      code: 'NODE_NOT_FOUND',
    });
    await expect(promoteNode(WS, CAMPAIGN, 'ab', { arm: 'z' }, 'u', deps)).rejects.toMatchObject({
      code: 'UNKNOWN_ARM',
    });
    await expect(promoteNode(WS, CAMPAIGN, 'ab', { variant: 1 }, 'u', deps)).rejects.toMatchObject({
      code: 'INVALID_PROMOTION',
    });
    await expect(promoteNode(WS, CAMPAIGN, 'mail-b', { variant: 3 }, 'u', deps)).rejects.toMatchObject({
      code: 'UNKNOWN_ARM',
    });
    await expect(promoteNode(WS, CAMPAIGN, 'mail-a', { variant: 0 }, 'u', deps)).rejects.toMatchObject({
      code: 'NOT_AN_AB_NODE',
    });
    const archived = campaignStore(journey, 'archived');
    await expect(promoteNode(WS, CAMPAIGN, 'ab', { arm: 'a' }, 'u', archived.deps)).rejects.toMatchObject({
      code: 'CAMPAIGN_ARCHIVED',
    });
  });
});

describe('automatic promotion', () => {
  const journey = journeySchema.parse(SPLIT_JOURNEY);
  const at = new Date('2026-12-07T12:00:00Z');
  const counters = (a: [number, number], b: [number, number]) => ({
    'arm:ab:a': a[0],
    'armconv:ab:a': a[1],
    'arm:ab:b': b[0],
    'armconv:ab:b': b[1],
  });

  it('promotes only a winner at 95% with at least 100 per arm', () => {
    expect(duePromotions(journey, counters([99, 5], [400, 120]), {}, at)).toEqual({});
    expect(duePromotions(journey, counters([1000, 100], [1000, 95]), {}, at)).toEqual({});
    expect(duePromotions(journey, counters([1000, 90], [1000, 120]), {}, at)).toEqual({
      ab: {
        arm: 'b',
        by: 'auto',
        at: at.toISOString(),
        test: {
          metric: 'converted',
          z: expect.closeTo(2.1883, 3),
          p: expect.closeTo(0.0286, 3),
          text: 'Arm b wins on conversions at 95%',
        },
      },
    });
  });

  it('leaves a node without the rule, and one promoted or undone before, alone', () => {
    const noRule = journeySchema.parse({
      nodes: SPLIT_JOURNEY.nodes.map((n) => (n.kind === 'split' ? { ...n, promote: undefined } : n)),
    });
    expect(duePromotions(noRule, counters([1000, 90], [1000, 120]), {}, at)).toEqual({});
    const undone = { ab: { arm: 'a', by: 'user:u1', at: 'x', undone: { by: 'user:u1', at: 'y' } } };
    expect(duePromotions(journey, counters([1000, 90], [1000, 120]), undone, at)).toEqual({});
  });

  it('is written by the engine (not by a stats read), stored on the campaign and shown with the stats', async () => {
    const store = campaignStore(journey);
    const c = counters([1000, 90], [1000, 120]);
    // Reading the stats writes nothing.
    await runningStats(store.current(), c, store.deps);
    expect(store.current()).toMatchObject({ revision: 3 });
    expect(store.current().promotions).toBeUndefined();
    // A step arriving at the node (the drip-step worker's versions: autoPromotingVersions) writes it.
    const promoter = autoPromoter({
      campaigns: store.deps.campaigns,
      counters: async () => c,
      now: store.deps.now,
      promoted: () => undefined,
      failed: (error) => {
        throw error;
      },
    });
    expect(await promoter.promotionsFor(WS, CAMPAIGN, journey, undefined)).toMatchObject({
      ab: { arm: 'b', by: 'auto' },
    });
    expect(store.current()).toMatchObject({ revision: 4, promotions: { ab: { arm: 'b', by: 'auto' } } });
    const stats = campaignStats(c, journey, store.current().promotions);
    expect(stats.splits.ab).toMatchObject({
      arms: { a: { entered: 1000, converted: 90 }, b: { entered: 1000, converted: 120 } },
      test: { enoughData: true, verdict: { status: 'winner', text: 'Arm b wins on conversions at 95%' } },
      promotion: { arm: 'b', by: 'auto' },
    });
    expect(stats.variants['mail-b']).toMatchObject({
      variants: { 0: { subject: 'Hello', sent: 0 } },
      test: { verdict: { status: 'too-few' } },
    });
  });
});

describe('journey rules for promotion', () => {
  it('refuses a promote rule on an email node without subject variants, and a minimum below 100', () => {
    const j = journeySchema.parse({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'm' },
        { id: 'm', kind: 'email', templateId: 't', promote: { metric: 'converted' }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(journeyProblems(j)).toEqual([
      { node: 'm', message: 'Promotes a winning subject line without subject variants' },
    ]);
    const low = { ...SPLIT_JOURNEY.nodes[1], promote: { metric: 'converted', after: { minPerArm: 50 } } };
    expect(
      journeySchema.safeParse({ nodes: [SPLIT_JOURNEY.nodes[0], low, ...SPLIT_JOURNEY.nodes.slice(2)] }).success,
    ).toBe(false);
  });
});

describe('A/B on opens and clicks', () => {
  const journey = journeySchema.parse(SPLIT_JOURNEY);
  const at = new Date('2026-12-07T12:00:00Z');

  it("seals the send's own subject variant and the split arms (not earlier variants) into the send", async () => {
    const w = campaignWorld(journey);
    for (let i = 0; i < 40; i += 1) {
      w.addContact(`c${i}`);
      await enrol(w, `c${i}`);
    }
    await w.advanceTo(w.now() + 2 * DAY);
    const sends = [...w.sends.values()];
    const a = sends.find((s) => s.nodeId === 'mail-a');
    const b = sends.find((s) => s.nodeId === 'mail-b');
    expect(a?.ab).toEqual({ run: 1, arms: { ab: 'a' } });
    expect(b?.ab).toEqual({ run: 1, variant: expect.any(Number), line: expect.any(String), arms: { ab: 'b' } });
    expect(b?.subject).toBe(SPLIT_JOURNEY.nodes[5]?.subjectVariants?.[b?.ab?.variant as number]);
    // The line id its opens count by is the one its send counted by.
    expect(b?.ab?.line).toBe(subjectLineId(b?.subject as string));
  });

  it('counts an open per send for its variant (by line id) and once per contact and run for its split arm', () => {
    const meta = {
      campaignId: CAMPAIGN,
      nodeId: 'mail-b',
      sendId: 's1',
      ab: { run: 2, variant: 1, line: B[1], arms: { ab: 'b' } },
    };
    expect(trackedCampaignCounts('email_opened', meta, 'c7')).toEqual([
      {
        markerId: 's1',
        kind: 'opened',
        counters: { opened: 1, 'node:mail-b:opened': 1, [`armopen:mail-b:${B[1]}`]: 1 },
      },
      { markerId: 'arm~ab~c7~2', kind: 'opened', counters: { 'armopen:ab:b': 1 } },
    ]);
    // A link sealed before lines had ids counts under its index, as its send was counted.
    const { line: _line, ...legacy } = meta.ab;
    expect(trackedCampaignCounts('email_opened', { ...meta, ab: legacy }, 'c7')[0]?.counters).toEqual({
      opened: 1,
      'node:mail-b:opened': 1,
      'armopen:mail-b:1': 1,
    });
  });

  it("counts a click as a click and as an open (the open shares the pixel's marker)", () => {
    const meta = { campaignId: CAMPAIGN, nodeId: 'mail-a', sendId: 's2', ab: { run: 1, arms: { ab: 'a' } } };
    expect(trackedCampaignCounts('email_clicked', meta, 'c1')).toEqual([
      { markerId: 's2', kind: 'clicked', counters: { clicked: 1, 'node:mail-a:clicked': 1 } },
      { markerId: 'arm~ab~c1~1', kind: 'clicked', counters: { 'armclick:ab:a': 1 } },
      { markerId: 's2', kind: 'opened', counters: { opened: 1, 'node:mail-a:opened': 1 } },
      { markerId: 'arm~ab~c1~1', kind: 'opened', counters: { 'armopen:ab:a': 1 } },
    ]);
  });

  it('counts nothing for a bot, a send outside a campaign, and ignores a malformed attribution', () => {
    const meta = { campaignId: CAMPAIGN, nodeId: 'n', sendId: 's', ab: { run: 1, arms: { ab: 'a' } } };
    expect(trackedCampaignCounts('email_opened', { ...meta, suspectedBot: ['too-fast'] }, 'c')).toEqual([]);
    expect(trackedCampaignCounts('email_opened', { sendId: 's' }, 'c')).toEqual([]);
    expect(trackedCampaignCounts('email_opened', { ...meta, ab: { run: 'x', variant: 1 } }, 'c')).toEqual([
      { markerId: 's', kind: 'opened', counters: { opened: 1, 'node:n:opened': 1 } },
    ]);
  });

  it("tests every metric, decides by the promote rule's, and promotes on opens", () => {
    const onOpens = journeySchema.parse({
      nodes: SPLIT_JOURNEY.nodes.map((n) => (n.kind === 'split' ? { ...n, promote: { metric: 'opened' } } : n)),
    });
    const counters = {
      'arm:ab:a': 1000,
      'arm:ab:b': 1000,
      'armconv:ab:a': 50,
      'armconv:ab:b': 50,
      'armopen:ab:a': 200,
      'armopen:ab:b': 260,
      'armclick:ab:a': 30,
      'armclick:ab:b': 31,
      [`variant:mail-b:${B[0]}`]: 400,
      [`variant:mail-b:${B[1]}`]: 400,
      [`variant:mail-b:${B[2]}`]: 400,
      [`armopen:mail-b:${B[2]}`]: 180,
    };
    const stats = campaignStats(counters, onOpens);
    expect(stats.splits.ab?.arms).toEqual({
      a: { entered: 1000, converted: 50, opened: 200, clicked: 30 },
      b: { entered: 1000, converted: 50, opened: 260, clicked: 31 },
    });
    expect(stats.splits.ab?.test).toMatchObject({ metric: 'opened', verdict: { text: 'Arm b wins on opens at 95%' } });
    expect(stats.splits.ab?.verdict).toMatchObject({ status: 'winner', winner: 'b' });
    expect(stats.splits.ab?.tests.converted.verdict.status).toBe('no-difference');
    expect(stats.splits.ab?.tests.clicked.verdict.text).toBe('No significant difference on clicks at 95%');
    expect(stats.variants['mail-b']?.variants[2]).toEqual({
      subject: 'Hey',
      line: B[2],
      sent: 400,
      converted: 0,
      opened: 180,
      clicked: 0,
    });
    expect(stats.variants['mail-b']?.tests.opened.verdict).toMatchObject({ status: 'winner', winner: '2' });
    expect(duePromotions(onOpens, counters, {}, at)).toEqual({
      ab: expect.objectContaining({ arm: 'b', by: 'auto', test: expect.objectContaining({ metric: 'opened' }) }),
    });
    // The same counters decide nothing for a rule on conversions.
    expect(duePromotions(journey, counters, {}, at)).toEqual({});
  });
});

describe('a promoted subject line across versions', () => {
  it('is matched by its text, not its index, in a version whose lines differ', async () => {
    const { promotedVariant } = await import('../../../shared/campaigns/split');
    const promotions = { m: { variant: 1, subject: 'Hi there', by: 'user:u', at: 'x' } };
    expect(promotedVariant({ id: 'm', subjectVariants: ['Hello', 'Hi there'] }, promotions)).toBe(1);
    expect(promotedVariant({ id: 'm', subjectVariants: ['New', 'Other', 'Hi there'] }, promotions)).toBe(2);
    // A version without the winning line tries its own lines (no forced index 1).
    expect(promotedVariant({ id: 'm', subjectVariants: ['New', 'Other'] }, promotions)).toBeUndefined();
    // A promotion stored before lines were recorded goes by its index.
    expect(promotedVariant({ id: 'm', subjectVariants: ['a', 'b'] }, { m: { variant: 1 } })).toBe(1);
  });

  it('records the line with a manual and an automatic promotion', async () => {
    const journey = journeySchema.parse(SPLIT_JOURNEY);
    const store = campaignStore(journey);
    const promoted = await promoteNode(WS, CAMPAIGN, 'mail-b', { variant: 2 }, 'u9', store.deps);
    expect(promoted.promotions?.['mail-b']).toMatchObject({ variant: 2, subject: 'Hey' });
    const onVariants = journeySchema.parse({
      nodes: SPLIT_JOURNEY.nodes.map((n) => (n.id === 'mail-b' ? { ...n, promote: { metric: 'opened' } } : n)),
    });
    const counters = {
      [`variant:mail-b:${B[0]}`]: 500,
      [`variant:mail-b:${B[1]}`]: 500,
      [`variant:mail-b:${B[2]}`]: 500,
      [`armopen:mail-b:${B[0]}`]: 100,
      [`armopen:mail-b:${B[1]}`]: 100,
      [`armopen:mail-b:${B[2]}`]: 200,
    };
    expect(duePromotions(onVariants, counters, {}, new Date('2026-12-07T12:00:00Z'))['mail-b']).toMatchObject({
      variant: 2,
      subject: 'Hey',
      by: 'auto',
    });
  });
});
