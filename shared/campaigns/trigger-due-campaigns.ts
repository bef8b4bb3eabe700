/**
 * The scheduled trigger: launch every campaign whose slot is due. The launch id is
 * derived from the slot, so a trigger that runs twice (EventBridge delivers at least
 * once) starts one launch, not two.
 */
import type { LaunchPlan, ScheduledLaunchPlan } from './campaign-triggers';
import type { CampaignSchedule, LaunchStarter } from './ports';

export async function triggerDueCampaigns(
  deps: {
    schedule: CampaignSchedule;
    launches: LaunchStarter;
    now: () => Date;
    /** Schedule triggers (campaign-triggers.ts): the audience filter, skip an inactive campaign, the next slot. */
    plan?: ScheduledLaunchPlan;
  },
  limit = 100,
): Promise<{ launched: number }> {
  const due = await deps.schedule.due(deps.now(), limit);
  let launched = 0;
  for (const campaign of due) {
    const { workspaceId, campaignId } = campaign;
    const launchId = `${campaignId}-${campaign.dueAt.replace(/[^0-9]/g, '')}`;
    const plan: LaunchPlan = deps.plan ? await deps.plan.plan(workspaceId, campaignId, launchId, campaign.dueAt) : {};
    if (plan !== 'skip') {
      await deps.launches.start({ workspaceId, campaignId, launchId, ...(plan.filter ? { filter: plan.filter } : {}) });
      launched += 1;
    }
    await deps.schedule.markLaunched(campaign);
    if (plan !== 'skip' && plan.next) await deps.plan?.scheduleNext(workspaceId, campaignId, plan.next);
  }
  return { launched };
}
