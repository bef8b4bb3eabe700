/**
 * Review round 11: this test failed at 63f8843 for the reason below; it passes since the fix.
 * FAULT (review 11, triggers): a due schedule slot whose campaign no longer has a schedule trigger
 * launches EVERY live contact of the workspace, with no filter.
 *
 * Where: shared/campaigns/campaign-triggers.ts, scheduledLaunchPlan().plan (lines ~55-66):
 *   `if (on?.type !== 'schedule' || !published) return {};`  -> an empty plan = "launch with no
 *   filter" (triggerDueCampaigns, shared/campaigns/trigger-due-campaigns.ts:25, starts it), and
 *   `if (campaign?.status && campaign.status !== 'active') return 'skip';` lets a missing
 *   campaign through to the same empty plan.
 *
 * How a user hits it: `triggerDueCampaigns` reads the due slots first (gsi1 `DUE#campaign`), then
 * plans each one in turn (a launch start per campaign, up to 100 per run). A publish that replaces
 * the schedule trigger (e.g. by a manual or a webhook one, or a schedule with a narrow `filter`
 * replaced by another) landing between that read and the plan drops the slot from the record, but
 * the slot already read is still launched, and planned on the NEW published version: its trigger
 * is not a schedule, so the plan has no filter and the whole workspace is enrolled (and mailed).
 * Nothing checks that the slot being launched still is the campaign's slot, nor that the version
 * planned on is the one that computed it.
 *
 * Fix: in plan(), skip (launch nothing) unless the campaign exists, is active, its published
 * trigger is a schedule, and the record still holds this slot (nextRunAt === dueAt, read
 * consistently), i.e. the slot belongs to the version planned on.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/campaigns/campaign';
import { scheduledLaunchPlan } from '../../../shared/campaigns/campaign-triggers';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { journey } from '../../../shared/campaigns/journey';
import type { CampaignSchedule, DueCampaign, LaunchStarter } from '../../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../../shared/campaigns/trigger-due-campaigns';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';

const WS = 'ws-1';
const CAMPAIGN = 'camp-1';
const SLOT = '2030-01-01T09:00:00.000Z';

const journeyOn = (on: Record<string, unknown>) =>
  journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on, next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  });

const rules = { timeZone: 'UTC', reentry: { mode: 'never' } } as Campaign['rules'];

function world(current: { campaign?: Campaign; versions: Record<number, PublishedVersion> }) {
  const started: { launchId: string; filter?: unknown }[] = [];
  const launches: LaunchStarter = {
    start: async (i) => void started.push({ launchId: i.launchId, ...(i.filter ? { filter: i.filter } : {}) }),
  };
  const due: DueCampaign[] = [{ workspaceId: WS, campaignId: CAMPAIGN, dueAt: SLOT }];
  const schedule: CampaignSchedule = { due: async () => due, markLaunched: async () => undefined };
  const index = {
    scheduleNext: async () => undefined,
  } as unknown as CampaignTriggerIndex;
  const plan = scheduledLaunchPlan({
    campaigns: {
      get: async () => current.campaign,
      version: async (_w, _c, v) => current.versions[v],
    },
    index,
    launches: { begin: async () => undefined },
    now: () => new Date(SLOT),
    realNow: () => new Date(SLOT),
  });
  return { started, run: () => triggerDueCampaigns({ schedule, launches, plan, now: () => new Date(SLOT) }) };
}

const campaignAt = (publishedVersion: number): Campaign =>
  ({
    workspaceId: WS,
    campaignId: CAMPAIGN,
    name: 'Daily VIP digest',
    status: 'active',
    journey: journeyOn({ type: 'manual' }),
    rules,
    publishedVersion,
    revision: 5,
    createdAt: SLOT,
    updatedAt: SLOT,
    createdBy: 'u1',
  }) as Campaign;

describe('a due slot read before a publish replaced the schedule trigger', () => {
  it('launches nobody, rather than the whole workspace without a filter', async () => {
    // v1 computed the slot: a schedule for the VIP segment only. v2 (published after the due
    // read, before the plan) is started by hand: it has no slot and no audience of its own.
    const v1: PublishedVersion = {
      workspaceId: WS,
      campaignId: CAMPAIGN,
      version: 1,
      journey: journeyOn({ type: 'schedule', cron: '0 9 * * ? *', filter: { tag: 'vip' } }),
      rules,
    };
    const v2: PublishedVersion = { ...v1, version: 2, journey: journeyOn({ type: 'manual' }) };
    const w = world({ campaign: campaignAt(2), versions: { 1: v1, 2: v2 } });
    await w.run();
    // Today: one launch, with no filter at all: every live contact of the workspace.
    expect(w.started).toEqual([]);
  });

  it('a slot whose campaign record is gone launches nobody either', async () => {
    const w = world({ campaign: undefined, versions: {} });
    await w.run();
    expect(w.started).toEqual([]);
  });
});
