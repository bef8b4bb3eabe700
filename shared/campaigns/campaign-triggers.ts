/**
 * Keeps a campaign's trigger wiring in step with the campaign: the workspace's trigger index holds
 * the published event trigger of an active campaign (nothing otherwise), and a schedule trigger
 * has its next launch slot (a slot that came due and was not launched yet is kept). A paused
 * campaign holds its slot on its record, out of the due index (no trigger run sees it), and its
 * resume puts it back: due when it came due meanwhile (the next trigger run launches it once, under
 * its own launch id; a one-time `at` missed while paused too), else the next slot; an archived
 * campaign has none. {@link triggerWiring} computes it; the campaign store writes it in the
 * same write as the publish, status change or edit that calls for it (campaign.ts `wiresTriggers`),
 * so no failure leaves a record without its wiring. {@link syncCampaignTriggers} writes it apart,
 * after a record written without it. Then the scheduled launch itself: the trigger's filter, and
 * the slot after it (which replaces the launched one in the same write).
 */
import type { ContactFilter } from '../crm/contacts/ports';
import type { Campaign, CampaignStatus, CampaignStore, TriggerWiring } from './campaign';
import type { PublishedVersion } from './enrolment';
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
 * yet, read from its own record; undefined when there is none.
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
 * The trigger wiring a campaign with `status` calls for, on its published version `published`:
 * the index entry of an active campaign's event trigger, and the slot of an active campaign's
 * schedule trigger, given the slot its record holds (`pending`: the one in the due index, or the
 * one a pause held): that one when it came due (at or before `now`, real time) and is still a slot
 * of the trigger (the schedule unchanged by a republish, or changed in a way that keeps it), so the
 * next trigger run launches it; else the next one after `now`. The launch id is the slot's, so a
 * slot launched meanwhile starts no second launch (the state machine runs one execution per launch
 * id). A paused campaign `holds` its slot as it is (the store keeps it out of the due index); an
 * archived or draft one has none.
 */
export function triggerWiring(
  status: CampaignStatus,
  published: PublishedVersion | undefined,
  now: Date,
): TriggerWiring {
  const on = status === 'active' && published ? triggerOf(published.journey) : undefined;
  const zone = published?.rules.timeZone ?? 'UTC';
  return {
    entry: on ? triggerIndexKey(on) : undefined,
    ...(status === 'paused' ? { holds: true } : {}),
    slot(pending) {
      if (on?.type !== 'schedule') return undefined;
      const kept = pending && Date.parse(pending) <= now.getTime() && isSlotOf(on, zone, pending) ? pending : undefined;
      return kept ?? nextScheduledRun(on, zone, now);
    },
  };
}

/**
 * Writes the campaign's trigger index entry and schedule slot from its published version and
 * status ({@link triggerWiring}), apart from the record: for a record written without its wiring
 * (a store or a caller that does not wire triggers, campaign.ts `wiresTriggers`; the routes' writes
 * carry it). Both are written on that basis (trigger-ports.ts `set`, `setSchedule`), not on the
 * campaign's revision: the writes that change the basis (a publish, a status change) are the
 * ones followed by a sync; the others (an edit, a promotion) leave entry and slot valid as they
 * are. The revision only orders the writes: an older one never overwrites a newer one's (a wired
 * write stamps the revision it wrote), and one that lost (overtaken or outdated) writes nothing
 * and resolves.
 *
 * `carried.dueSlot` is the slot that came due, as read before the write the sync follows; without
 * it the sync reads it from the record itself (every write of the record leaves the slot there).
 * It does not hold a paused campaign's slot (trigger-ports.ts `setSchedule` clears it): only the
 * record's own wired write does ({@link triggerWiring} `holds`), as every route's write is.
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
  const now = deps.now();
  const wiring = triggerWiring(campaign.status, published, now);
  const basis: TriggerBasis = {
    revision: campaign.revision,
    status: campaign.status,
    ...(campaign.publishedVersion ? { publishedVersion: campaign.publishedVersion } : {}),
  };
  await deps.index.set(workspaceId, campaignId, basis, wiring.entry);
  const on = published ? triggerOf(published.journey) : undefined;
  const due =
    on?.type === 'schedule'
      ? (carried.dueSlot ?? (await unlaunchedDueSlot(deps.index, workspaceId, campaignId, now)))
      : undefined;
  await deps.index.setSchedule(workspaceId, campaignId, basis, wiring.slot(due));
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
