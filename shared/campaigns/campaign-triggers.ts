/**
 * Keeps a campaign's trigger wiring in step with the campaign: after a publish, an edit or a
 * status change, the workspace's trigger index holds the published event trigger of an active
 * campaign (nothing otherwise), and a schedule trigger has its next launch slot (cleared when
 * the campaign is not active; a slot that came due and was not launched yet is kept). Then the
 * scheduled launch itself: the trigger's filter, and the slot after it (which replaces the
 * launched one in the same write).
 */
import type { ContactFilter } from '../crm/contacts/ports';
import type { Campaign, CampaignStore } from './campaign';
import type { DueCampaign, LaunchRecords } from './ports';
import { nextScheduledRun, type TriggerOn, triggerIndexKey, triggerOf } from './trigger';
import type { CampaignTriggerIndex, TriggerBasis } from './trigger-ports';

/** What one due slot launches: `skip` (campaign not active), else the audience filter and the next slot. */
export type LaunchPlan = 'skip' | { readonly filter?: ContactFilter; readonly next?: string };

export interface TriggerSyncDeps {
  readonly campaigns: Pick<CampaignStore, 'version'>;
  readonly index: CampaignTriggerIndex;
  /** The clock the scheduled trigger compares slots with (the real clock). */
  readonly now: () => Date;
}

/**
 * The campaign's slot that came due (at or before `now`) and that no trigger run has launched
 * yet, read from its own record; undefined when there is none. A publish rewrites the whole
 * campaign record, dropping the slot, so its route reads this before the publish and hands it to
 * the sync ({@link syncCampaignTriggers}' `carried`).
 */
export async function unlaunchedDueSlot(
  index: Pick<CampaignTriggerIndex, 'pendingSlot'>,
  workspaceId: string,
  campaignId: string,
  now: Date,
): Promise<string | undefined> {
  const slot = await index.pendingSlot(workspaceId, campaignId);
  return slot !== undefined && Date.parse(slot) <= now.getTime() ? slot : undefined;
}

/** Whether `slot` (ISO-8601) is one of the trigger's slots: the first one after just before it. */
function isSlotOf(on: TriggerOn, campaignZone: string, slot: string): boolean {
  const ms = Date.parse(slot);
  return Number.isFinite(ms) && nextScheduledRun(on, campaignZone, new Date(ms - 1)) === new Date(ms).toISOString();
}

/**
 * Writes the campaign's trigger index entry and schedule slot from its published version and
 * status. Both are written on that basis (trigger-ports.ts `set`, `setSchedule`), not on the
 * campaign's revision: the writes that change the basis (a publish, a status change) are the
 * ones followed by a sync; the others (an edit, a promotion) leave entry and slot valid as they
 * are. The revision only orders the syncs: an older one never overwrites a newer one's writes,
 * and one that lost (overtaken or outdated) writes nothing and resolves, as the route that ran it
 * already saved the campaign and the newer change's own sync writes what it calls for.
 *
 * The slot written is the next one after now, unless a slot came due and was not launched yet
 * (the scheduled trigger runs every 5 minutes): that one is kept, if it is still a slot of the
 * published trigger (the schedule unchanged by a republish, or changed in a way that keeps it),
 * so the next trigger run launches it; the launch id is the slot's, so a slot launched meanwhile
 * starts no second launch (the state machine runs one execution per launch id). `carried.dueSlot`
 * is that slot as read before the write the sync follows (a publish, which drops it from the
 * record); without it the sync reads it from the record itself (an edit leaves the slot there).
 */
export async function syncCampaignTriggers(
  campaign: Campaign,
  deps: TriggerSyncDeps,
  carried: { readonly dueSlot?: string } = {},
): Promise<void> {
  const { workspaceId, campaignId } = campaign;
  const published =
    campaign.status === 'active' && campaign.publishedVersion
      ? await deps.campaigns.version(workspaceId, campaignId, campaign.publishedVersion)
      : undefined;
  const on = published ? triggerOf(published.journey) : undefined;
  const basis: TriggerBasis = {
    revision: campaign.revision,
    status: campaign.status,
    ...(campaign.publishedVersion ? { publishedVersion: campaign.publishedVersion } : {}),
  };
  await deps.index.set(workspaceId, campaignId, basis, on ? triggerIndexKey(on) : undefined);
  if (!on || !published || on.type !== 'schedule') {
    await deps.index.setSchedule(workspaceId, campaignId, basis, undefined);
    return;
  }
  const now = deps.now();
  const zone = published.rules.timeZone;
  const due = carried.dueSlot ?? (await unlaunchedDueSlot(deps.index, workspaceId, campaignId, now));
  const kept = due && Date.parse(due) <= now.getTime() && isSlotOf(on, zone, due) ? due : undefined;
  await deps.index.setSchedule(workspaceId, campaignId, basis, kept ?? nextScheduledRun(on, zone, now));
}

/**
 * What a due slot launches (for triggerDueCampaigns): the schedule trigger's audience filter and
 * the next slot; `skip` for a campaign that is no longer active. A slot of a campaign without a
 * schedule trigger (set by hand) launches every live contact once.
 *
 * Two clocks: slots are real time (`realNow`, the clock the scheduled function runs on and
 * compares them with), the launch record is campaign time (`now`), as a launch by filter and the
 * pages of every launch stamp theirs (`TIME_SCALE` locally; the same clock in the cloud).
 */
export function scheduledLaunchPlan(deps: {
  campaigns: Pick<CampaignStore, 'get' | 'version'>;
  index: CampaignTriggerIndex;
  launches: Pick<LaunchRecords, 'begin'>;
  /** Campaign time: when the launch record begins. */
  now: () => Date;
  /** Real time, as the slots: the next slot after a late run is after it. Default: the wall clock. */
  realNow?: () => Date;
}) {
  const realNow = deps.realNow ?? (() => new Date());
  // The published version whose trigger computed each planned next slot, until it is written.
  const plannedOn = new Map<string, number>();
  const keyOf = (workspaceId: string, campaignId: string) => `${workspaceId}\u0000${campaignId}`;
  return {
    async plan(workspaceId: string, campaignId: string, launchId: string, dueAt: string): Promise<LaunchPlan> {
      const campaign = await deps.campaigns.get(workspaceId, campaignId);
      if (campaign?.status !== 'active') return 'skip';
      const published = campaign.publishedVersion
        ? await deps.campaigns.version(workspaceId, campaignId, campaign.publishedVersion)
        : undefined;
      const on = published ? triggerOf(published.journey) : undefined;
      // A slot read before a publish replaced the schedule (or a campaign gone since) launches
      // nobody: planned on a version without a schedule, it would launch with no filter, i.e.
      // enrol the whole workspace.
      if (on?.type !== 'schedule' || !published) return 'skip';
      await deps.launches.begin(workspaceId, campaignId, launchId, deps.now().toISOString());
      // The slot after this one, or after now when the trigger ran late: missed slots are not replayed one by one.
      const after = new Date(Math.max(Date.parse(dueAt), realNow().getTime()));
      const next = nextScheduledRun(on, published.rules.timeZone, after);
      if (next) plannedOn.set(keyOf(workspaceId, campaignId), published.version);
      else plannedOn.delete(keyOf(workspaceId, campaignId));
      return { ...(on.filter ? { filter: on.filter } : {}), ...(next ? { next } : {}) };
    },
    /**
     * Replaces the launched slot with the one after it, in one write (trigger-ports.ts
     * `scheduleNext`), only while the campaign is still on the version planned from. Without a
     * plan of this slot (none made here), nothing is written and the slot stays due.
     */
    async scheduleNext(launched: DueCampaign, next: string) {
      const { workspaceId, campaignId } = launched;
      const key = keyOf(workspaceId, campaignId);
      const version = plannedOn.get(key);
      plannedOn.delete(key);
      if (version !== undefined) {
        await deps.index.scheduleNext(workspaceId, campaignId, version, next, launched.dueAt);
      }
    },
  };
}

export type ScheduledLaunchPlan = ReturnType<typeof scheduledLaunchPlan>;
