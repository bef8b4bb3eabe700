/**
 * Keeps a campaign's trigger wiring in step with the campaign: after a publish, an edit or a
 * status change, the workspace's trigger index holds the published event trigger of an active
 * campaign (nothing otherwise), and a schedule trigger has its next launch slot (cleared when
 * the campaign is not active). Then the scheduled launch itself: the trigger's filter, and the
 * slot after it.
 */
import type { ContactFilter } from '../crm/contacts/ports';
import type { Campaign, CampaignStore } from './campaign';
import type { LaunchRecords } from './ports';
import { nextScheduledRun, triggerIndexKey, triggerOf } from './trigger';
import type { CampaignTriggerIndex, TriggerBasis } from './trigger-ports';

/** What one due slot launches: `skip` (campaign not active), else the audience filter and the next slot. */
export type LaunchPlan = 'skip' | { readonly filter?: ContactFilter; readonly next?: string };

export interface TriggerSyncDeps {
  readonly campaigns: Pick<CampaignStore, 'version'>;
  readonly index: CampaignTriggerIndex;
  /** The clock the scheduled trigger compares slots with. */
  readonly now: () => Date;
}

/**
 * Writes the campaign's trigger index entry and schedule slot from its published version and
 * status. Both are written on that basis (trigger-ports.ts `set`, `setSchedule`), not on the
 * campaign's revision: the writes that change the basis (a publish, a status change) are the
 * ones followed by a sync; the others (an edit, a promotion) leave entry and slot valid as they
 * are. The revision only orders the syncs: an older one never overwrites a newer one's writes,
 * and one that lost (overtaken or outdated) writes nothing and resolves, as the route that ran it
 * already saved the campaign and the newer change's own sync writes what it calls for.
 */
export async function syncCampaignTriggers(campaign: Campaign, deps: TriggerSyncDeps): Promise<void> {
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
  const next = on && published ? nextScheduledRun(on, published.rules.timeZone, deps.now()) : undefined;
  await deps.index.setSchedule(workspaceId, campaignId, basis, next);
}

/**
 * What a due slot launches (for triggerDueCampaigns): the schedule trigger's audience filter and
 * the next slot; `skip` for a campaign that is no longer active. A slot of a campaign without a
 * schedule trigger (set by hand) launches every live contact once.
 */
export function scheduledLaunchPlan(deps: {
  campaigns: Pick<CampaignStore, 'get' | 'version'>;
  index: CampaignTriggerIndex;
  launches: Pick<LaunchRecords, 'begin'>;
}) {
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
      await deps.launches.begin(workspaceId, campaignId, launchId, new Date().toISOString());
      // The slot after this one, or after now when the trigger ran late: missed slots are not replayed one by one.
      const next = nextScheduledRun(on, published.rules.timeZone, new Date(Math.max(Date.parse(dueAt), Date.now())));
      if (next) plannedOn.set(keyOf(workspaceId, campaignId), published.version);
      return { ...(on.filter ? { filter: on.filter } : {}), ...(next ? { next } : {}) };
    },
    /** Writes the slot after a launch, only while the campaign is still on the version planned from. */
    async scheduleNext(workspaceId: string, campaignId: string, next: string) {
      const key = keyOf(workspaceId, campaignId);
      const version = plannedOn.get(key);
      plannedOn.delete(key);
      if (version !== undefined) await deps.index.scheduleNext(workspaceId, campaignId, version, next);
    },
  };
}

export type ScheduledLaunchPlan = ReturnType<typeof scheduledLaunchPlan>;
