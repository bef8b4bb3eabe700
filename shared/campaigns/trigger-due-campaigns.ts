/**
 * The scheduled trigger: launch every campaign whose slot is due. The launch id is
 * derived from the slot, so a trigger that runs twice (EventBridge delivers at least
 * once) starts one launch, not two.
 */
import type { CampaignSchedule, LaunchStarter } from './ports';

export async function triggerDueCampaigns(
  deps: { schedule: CampaignSchedule; launches: LaunchStarter; now: () => Date },
  limit = 100,
): Promise<{ launched: number }> {
  const due = await deps.schedule.due(deps.now(), limit);
  for (const campaign of due) {
    const launchId = `${campaign.campaignId}-${campaign.dueAt.replace(/[^0-9]/g, '')}`;
    await deps.launches.start({ workspaceId: campaign.workspaceId, campaignId: campaign.campaignId, launchId });
    await deps.schedule.markLaunched(campaign);
  }
  return { launched: due.length };
}
