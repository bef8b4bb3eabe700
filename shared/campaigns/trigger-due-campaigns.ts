/**
 * The scheduled trigger: launch every campaign whose slot is due. The launch id is
 * derived from the slot, so a trigger that runs twice (EventBridge delivers at least
 * once) starts one launch, not two.
 */
import type { LaunchPlan, ScheduledLaunchPlan } from './campaign-triggers';
import type { CampaignSchedule, DueCampaign, LaunchStarter } from './ports';

/** A due slot whose launch failed this run: it stays due, and the next run tries it again. */
export interface FailedSlot extends DueCampaign {
  /** The error's name and message. */
  readonly error: string;
}

/**
 * Each due slot is handled on its own: one whose plan, start or bookkeeping throws (a state
 * machine start refused, a throttled read) is reported in `failed` and left as it is, and the
 * others go on. A slot whose start failed is still due (it is marked launched only after its
 * start), so the next run starts it, under the same launch id; one that failed after its start
 * is started again as a no-op (one execution per launch id) and then marked.
 */
export async function triggerDueCampaigns(
  deps: {
    schedule: CampaignSchedule;
    launches: LaunchStarter;
    /** The clock slots are compared with (real time). */
    now: () => Date;
    /** Schedule triggers (campaign-triggers.ts): the audience filter, skip an inactive campaign, the next slot. */
    plan?: ScheduledLaunchPlan;
  },
  limit = 100,
): Promise<{ launched: number; failed: FailedSlot[] }> {
  const due = await deps.schedule.due(deps.now(), limit);
  let launched = 0;
  const failed: FailedSlot[] = [];
  for (const campaign of due) {
    try {
      if (await launchSlot(campaign, deps)) launched += 1;
    } catch (error) {
      failed.push({ ...campaign, error: errorText(error) });
    }
  }
  return { launched, failed };
}

/** Launches one due slot (unless its plan skips it), then clears it and writes the next one. */
async function launchSlot(
  campaign: DueCampaign,
  deps: { schedule: CampaignSchedule; launches: LaunchStarter; plan?: ScheduledLaunchPlan },
): Promise<boolean> {
  const { workspaceId, campaignId } = campaign;
  const launchId = `${campaignId}-${campaign.dueAt.replace(/[^0-9]/g, '')}`;
  const plan: LaunchPlan = deps.plan ? await deps.plan.plan(workspaceId, campaignId, launchId, campaign.dueAt) : {};
  if (plan !== 'skip') {
    await deps.launches.start({ workspaceId, campaignId, launchId, ...(plan.filter ? { filter: plan.filter } : {}) });
  }
  await deps.schedule.markLaunched(campaign);
  if (plan !== 'skip' && plan.next) await deps.plan?.scheduleNext(workspaceId, campaignId, plan.next);
  return plan !== 'skip';
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
