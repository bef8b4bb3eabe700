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
 * machine start refused, a throttled read) is reported in `failed` and stays due, and the
 * others go on. A slot whose start failed is still due (it is replaced only after its start),
 * so the next run starts it, under the same launch id; one that failed after its start is
 * started again as a no-op (one execution per launch id) and then replaced.
 *
 * A run reads the `limit` slots first in the due index. A failed slot's place there moves back
 * to this run's time (`moveBack`; its slot, so its launch id, unchanged), behind the slots that
 * came due before it: slots that keep failing cannot fill every run's `limit` and keep the newer
 * due slots from ever being read (each due slot is read within ceil(failing / limit) + 1 runs).
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
  const now = deps.now();
  const due = await deps.schedule.due(now, limit);
  let launched = 0;
  const failed: FailedSlot[] = [];
  for (const campaign of due) {
    try {
      if (await launchSlot(campaign, deps)) launched += 1;
    } catch (error) {
      const moved = await deps.schedule.moveBack?.(campaign, now).then(
        () => '',
        (moveError: unknown) => `; its place in the due index was not moved back (${errorText(moveError)})`,
      );
      failed.push({ ...campaign, error: `${errorText(error)}${moved ?? ''}` });
    }
  }
  return { launched, failed };
}

/**
 * Launches one due slot (unless its plan skips it), then replaces it with the next one in one
 * write, or clears it when there is none (a one-time `at`, a skipped campaign): at no point is
 * the campaign left without a slot it should have.
 */
async function launchSlot(
  campaign: DueCampaign,
  deps: { schedule: CampaignSchedule; launches: LaunchStarter; plan?: ScheduledLaunchPlan },
): Promise<boolean> {
  const { workspaceId, campaignId } = campaign;
  const launchId = `${campaignId}-${campaign.dueAt.replace(/[^0-9]/g, '')}`;
  const plan: LaunchPlan = deps.plan ? await deps.plan.plan(workspaceId, campaignId, launchId, campaign.dueAt) : {};
  if (plan === 'skip') {
    await deps.schedule.markLaunched(campaign);
    return false;
  }
  await deps.launches.start({ workspaceId, campaignId, launchId, ...(plan.filter ? { filter: plan.filter } : {}) });
  if (plan.next && deps.plan) await deps.plan.scheduleNext(campaign, plan.next);
  else await deps.schedule.markLaunched(campaign);
  return true;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
