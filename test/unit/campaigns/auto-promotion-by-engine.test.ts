/**
 * The `promote` rule applied by the engine (review round 14: it used to be applied by whoever read
 * `GET /api/campaigns/{id}/stats`, a viewer included, and never while nobody read them). A step
 * arriving at an A/B node the rule has still to decide judges it from the campaign's counters (read
 * at most once a minute per campaign in a container), writes the promotion with the campaign's
 * revision condition, reports it (the system's record), and takes the winner itself. A concurrent
 * edit wins; an undone promotion is never brought back; fewer than 100 per arm decide nothing; a
 * step of a campaign with nothing undecided reads no counters at all.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignStore } from '../../../shared/campaigns/campaign';
import type { CampaignVersions } from '../../../shared/campaigns/ports';
import {
  type AutoPromoted,
  autoPromoter,
  autoPromotingVersions,
  type Promotions,
  runningStats,
} from '../../../shared/campaigns/promotion';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { armFor, subjectLineId, variantFor } from '../../../shared/campaigns/split';
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
const SPLIT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    SPLIT,
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const SUBJECTS = ['Hello', 'Hi there'];
const LINE = SUBJECTS.map(subjectLineId);
const VARIANT_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    {
      id: 'mail',
      kind: 'email',
      templateId: 't1',
      subjectVariants: SUBJECTS,
      promote: { metric: 'opened' },
      next: 'end',
    },
    { id: 'end', kind: 'exit' },
  ],
};
/** Arm b converts 60 of 200, arm a 20 of 200: b wins at 95%. */
const B_WINS = { 'arm:ab:a': 200, 'arm:ab:b': 200, 'armconv:ab:a': 20, 'armconv:ab:b': 60 };

const ids = Array.from({ length: 400 }, (_, i) => `c${i}`);
const inArm = (arm: string) => ids.filter((c) => armFor(SPLIT, CAMPAIGN, c)?.id === arm);

/**
 * A campaign world whose step runner loads promotions from a campaign record (as
 * dynamoCampaignVersions does) through the engine's auto-promotion, the counters being the
 * world's own (seeded), every read of them counted.
 */
function engineWorld(journeyInput: unknown, seed: Record<string, number>, options: { promotions?: Promotions } = {}) {
  const w = campaignWorld(journeyInput);
  for (const [k, v] of Object.entries(seed)) w.counters.set(k, v);
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
    ...(options.promotions ? { promotions: options.promotions } : {}),
  };
  const calls = { counters: 0, replace: 0 };
  /** Runs before the engine's conditional write: a concurrent edit. */
  let beforeWrite: (() => void) | undefined;
  const campaigns: CampaignStore = {
    get: async () => campaign,
    list: async () => ({ campaigns: [campaign] }),
    create: async () => undefined,
    async replace(next) {
      calls.replace += 1;
      beforeWrite?.();
      beforeWrite = undefined;
      if (next.revision !== campaign.revision + 1) return false;
      campaign = next;
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
  let broken = false;
  const promoted: AutoPromoted[] = [];
  const failed: unknown[] = [];
  const promoter = autoPromoter({
    campaigns,
    counters: async () => {
      calls.counters += 1;
      if (broken) throw new Error('throttled');
      return Object.fromEntries(w.counters);
    },
    now: () => new Date(w.now()),
    promoted: (event) => void promoted.push(event),
    failed: (error) => void failed.push(error),
    realNowMs: () => realMs,
  });
  (w.deps as { versions: CampaignVersions }).versions = autoPromotingVersions(base, promoter);
  return {
    w,
    calls,
    promoted,
    failed,
    campaign: () => campaign,
    edit: (change: (c: Campaign) => Campaign) => {
      campaign = change(campaign);
    },
    concurrently: (change: (c: Campaign) => Campaign) => {
      beforeWrite = () => {
        campaign = change(campaign);
      };
    },
    breakCounters: (is: boolean) => {
      broken = is;
    },
    passMs: (ms: number) => {
      realMs += ms;
    },
    enrol: async (contactId: string) => {
      w.addContact(contactId);
      return enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
    },
    armOf: (contactId: string) => w.enrolments.get(`${CAMPAIGN}#${contactId}`)?.arms,
  };
}

describe('automatic promotion by the engine', () => {
  it('is not written by reading the stats, which say it is due', async () => {
    const e = engineWorld(SPLIT_JOURNEY, B_WINS);
    const { stats } = await runningStats(e.campaign(), B_WINS, {
      campaigns: { version: async () => e.w.published } as never,
    });
    expect(stats.splits.ab?.autoPromotion).toMatchObject({ status: 'due', winner: 'b' });
    expect(e.campaign()).toMatchObject({ revision: 5 });
    expect(e.campaign().promotions).toBeUndefined();
  });

  it('is written by the first arrival at the node once the test names a winner, which takes it', async () => {
    const e = engineWorld(SPLIT_JOURNEY, B_WINS);
    const [first] = inArm('a') as [string];
    await e.enrol(first);
    // The contact hashed into a, but the promotion written on its arrival sends it to b.
    expect(e.armOf(first)).toEqual({ ab: 'b' });
    expect(e.campaign()).toMatchObject({
      revision: 6,
      promotions: {
        ab: { arm: 'b', by: 'auto', test: { metric: 'converted', text: 'Arm b wins on conversions at 95%' } },
      },
    });
    expect(e.promoted).toEqual([
      expect.objectContaining({ workspaceId: WS, campaignId: CAMPAIGN, node: 'ab', revision: 6 }),
    ]);
    // Later arrivals read it with the campaign: no more counter reads, no more writes.
    for (const id of inArm('a').slice(1, 6)) await e.enrol(id);
    expect(
      inArm('a')
        .slice(1, 6)
        .map((id) => e.armOf(id)?.ab),
    ).toEqual(['b', 'b', 'b', 'b', 'b']);
    expect(e.calls).toEqual({ counters: 1, replace: 1 });
    expect(e.promoted).toHaveLength(1);
    const { stats } = await runningStats(e.campaign(), B_WINS, {
      campaigns: { version: async () => e.w.published } as never,
    });
    expect(stats.splits.ab?.autoPromotion).toMatchObject({ status: 'promoted' });
  });

  it('reads the counters at most once a minute per campaign while no winner is named', async () => {
    const e = engineWorld(SPLIT_JOURNEY, { 'arm:ab:a': 99, 'arm:ab:b': 400, 'armconv:ab:a': 1, 'armconv:ab:b': 200 });
    for (const id of ids.slice(0, 10)) await e.enrol(id);
    // Fewer than 100 in arm a: nothing promoted, the arrivals split by hash.
    expect(e.campaign().promotions).toBeUndefined();
    expect(ids.slice(0, 10).map((id) => e.armOf(id)?.ab)).toEqual(
      ids.slice(0, 10).map((id) => armFor(SPLIT, CAMPAIGN, id)?.id),
    );
    expect(e.calls.counters).toBe(1);
    // A minute on, with arm a past 100 (the arrivals above counted too): judged again, and promoted.
    e.w.counters.set('arm:ab:a', 300);
    e.w.counters.set('armconv:ab:a', 3);
    e.passMs(60_000);
    await e.enrol('late');
    expect(e.calls.counters).toBe(2);
    expect(e.campaign().promotions?.ab).toMatchObject({ arm: 'b', by: 'auto' });
    expect(e.armOf('late')?.ab).toBe('b');
  });

  it('reads nothing for a node promoted by hand, undone, or without the rule, and never brings an undone one back', async () => {
    const undone = {
      ab: { arm: 'b', by: 'user:u1', at: 'x', undone: { by: 'user:u1', at: 'y' } },
    } satisfies Promotions;
    const e = engineWorld(SPLIT_JOURNEY, B_WINS, { promotions: undone });
    const arrivals = ids.slice(0, 20);
    for (const id of arrivals) await e.enrol(id);
    expect(e.calls).toEqual({ counters: 0, replace: 0 });
    expect(e.campaign().promotions).toEqual(undone);
    expect(arrivals.map((id) => e.armOf(id)?.ab)).toEqual(arrivals.map((id) => armFor(SPLIT, CAMPAIGN, id)?.id));

    const byHand = engineWorld(SPLIT_JOURNEY, B_WINS, { promotions: { ab: { arm: 'a', by: 'user:u1', at: 'x' } } });
    await byHand.enrol('c1');
    expect(byHand.armOf('c1')?.ab).toBe('a');
    expect(byHand.calls.counters).toBe(0);

    const noRule = engineWorld(
      { nodes: SPLIT_JOURNEY.nodes.map((n) => (n.id === 'ab' ? { ...SPLIT, promote: undefined } : n)) },
      B_WINS,
    );
    await noRule.enrol('c1');
    expect(noRule.calls.counters).toBe(0);
    expect(noRule.campaign().promotions).toBeUndefined();
  });

  it('loses to a concurrent edit: takes the promotion in force after it, or none, and tries again later', async () => {
    // A person promotes arm a while the engine writes b: a wins, and the arrival takes it.
    const e = engineWorld(SPLIT_JOURNEY, B_WINS);
    e.concurrently((c) => ({
      ...c,
      revision: c.revision + 1,
      promotions: { ab: { arm: 'a', by: 'user:u1', at: 'x' } },
    }));
    const [inB] = inArm('b') as [string];
    await e.enrol(inB);
    expect(e.armOf(inB)?.ab).toBe('a');
    expect(e.campaign().promotions?.ab).toMatchObject({ arm: 'a', by: 'user:u1' });
    expect(e.promoted).toEqual([]);

    // An edit that promotes nothing (a PATCH of the draft): the arrival splits as before, and the
    // rule writes nothing more this minute; a minute later it is written.
    const f = engineWorld(SPLIT_JOURNEY, B_WINS);
    f.concurrently((c) => ({ ...c, revision: c.revision + 1, name: 'Renamed' }));
    const [inA, next] = inArm('a') as [string, string];
    await f.enrol(inA);
    expect(f.armOf(inA)?.ab).toBe('a');
    expect(f.campaign().promotions).toBeUndefined();
    await f.enrol(next);
    expect(f.calls).toEqual({ counters: 1, replace: 1 });
    f.passMs(60_000);
    const [, , later] = inArm('a') as [string, string, string];
    await f.enrol(later);
    expect(f.campaign()).toMatchObject({ name: 'Renamed', revision: 7, promotions: { ab: { arm: 'b', by: 'auto' } } });
    expect(f.armOf(later)?.ab).toBe('b');
  });

  it('writes nothing for a paused campaign', async () => {
    const e = engineWorld(SPLIT_JOURNEY, B_WINS);
    e.edit((c) => ({ ...c, status: 'paused' }));
    e.w.setStatus('paused');
    await e.enrol('c1');
    expect(e.calls.counters).toBe(0);
    expect(e.campaign().promotions).toBeUndefined();
  });

  it('goes on without a promotion when the counters cannot be read (reported; tried again a minute later)', async () => {
    const e = engineWorld(SPLIT_JOURNEY, B_WINS);
    e.breakCounters(true);
    await e.enrol('c1');
    await e.enrol('c2');
    // One failed read a minute, whatever the arrivals; each arrival splits by hash meanwhile.
    expect(e.calls.counters).toBe(1);
    expect(e.failed).toHaveLength(2);
    expect(e.armOf('c1')?.ab).toBe(armFor(SPLIT, CAMPAIGN, 'c1')?.id);
    expect(e.campaign().promotions).toBeUndefined();
    e.breakCounters(false);
    e.passMs(60_000);
    await e.enrol('c3');
    expect(e.campaign().promotions?.ab).toMatchObject({ arm: 'b', by: 'auto' });
  });

  it('gives the arrival at an email node the winning subject line, recorded as the one sent', async () => {
    const e = engineWorld(VARIANT_JOURNEY, {
      [`variant:mail:${LINE[0]}`]: 300,
      [`variant:mail:${LINE[1]}`]: 300,
      [`armopen:mail:${LINE[0]}`]: 30,
      [`armopen:mail:${LINE[1]}`]: 90,
    });
    const [hashedToFirst] = ids.filter((c) => variantFor(2, CAMPAIGN, 'mail', c) === 0) as [string];
    await e.enrol(hashedToFirst);
    expect(e.campaign().promotions?.mail).toMatchObject({ variant: 1, subject: 'Hi there', by: 'auto' });
    expect([...e.w.sends.values()].map((s) => s.subject)).toEqual(['Hi there']);
    expect(e.armOf(hashedToFirst)).toEqual({ mail: LINE[1] });
  });
});
