/**
 * Review round 11: this test failed at eab1d13 (the scheduled trigger's run rejected at the first
 * `launches.start` that threw, so every campaign due after it in that run was neither launched
 * nor marked: one broken campaign held back all the others).
 *
 * Each due slot is handled on its own: a failure is reported (and logged by the function), its slot
 * is left due so the next run (5 minutes later) tries it again, under the same launch id, and
 * the other due campaigns are launched in the same run.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignSchedule, DueCampaign, LaunchStarter } from '../../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../../shared/campaigns/trigger-due-campaigns';

const SLOT = '2030-01-01T09:00:00.000Z';
const slot = (campaignId: string): DueCampaign => ({ workspaceId: 'w', campaignId, dueAt: SLOT });

function world(brokenOnce: Set<string>) {
  let due: DueCampaign[] = [slot('a'), slot('broken'), slot('c')];
  const started: string[] = [];
  const schedule: CampaignSchedule = {
    due: async () => due,
    markLaunched: async (c) => {
      due = due.filter((d) => d.campaignId !== c.campaignId);
    },
  };
  const launches: LaunchStarter = {
    async start(input) {
      if (brokenOnce.delete(input.campaignId)) throw new Error('StateMachineDoesNotExist: throttled or gone');
      started.push(input.launchId);
    },
  };
  const run = () => triggerDueCampaigns({ schedule, launches, now: () => new Date(SLOT) });
  return { started, run, due: () => due };
}

describe('a trigger run with one launch that fails to start', () => {
  it('launches the other due campaigns, and leaves the failed slot due for the next run', async () => {
    const w = world(new Set(['broken']));
    const result = await w.run();
    expect(w.started).toEqual(['a-20300101090000000', 'c-20300101090000000']);
    expect(result).toMatchObject({
      launched: 2,
      failed: [{ workspaceId: 'w', campaignId: 'broken', dueAt: SLOT, error: expect.stringContaining('throttled') }],
    });
    expect(w.due()).toEqual([slot('broken')]);
    // The next run: the same slot, the same launch id, launched once.
    expect(await w.run()).toEqual({ launched: 1, failed: [] });
    expect(w.started).toEqual(['a-20300101090000000', 'c-20300101090000000', 'broken-20300101090000000']);
    expect(w.due()).toEqual([]);
  });
});
