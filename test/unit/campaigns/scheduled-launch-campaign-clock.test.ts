/**
 * Review round 11: this test failed at eab1d13 (a scheduled launch's record began on the real
 * clock, `new Date()` in scheduledLaunchPlan, while its pages are stamped on the campaign clock:
 * under TIME_SCALE its `startedAt` lay years before the campaign time its pages, its `updatedAt`
 * and the launch-silence check read; and the slot after a late run was computed with
 * `Date.now()`, beside the trigger's injected clock).
 *
 * Slots stay on the real clock (the scheduled function runs on it every 5 minutes and compares
 * them with it: `realNow`); what the launch records is campaign time (`now`), as a launch by
 * filter and its pages record it.
 */
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/campaigns/campaign';
import { scheduledLaunchPlan } from '../../../shared/campaigns/campaign-triggers';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { journey } from '../../../shared/campaigns/journey';
import type { CampaignSchedule, LaunchStarter } from '../../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../../shared/campaigns/trigger-due-campaigns';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { scaledClock } from '../../../shared/clock';

const SLOT = '2030-01-01T09:00:00.000Z';
const rules = { timeZone: 'UTC', reentry: { mode: 'never' } } as Campaign['rules'];
const version: PublishedVersion = {
  workspaceId: 'w',
  campaignId: 'c',
  version: 1,
  journey: journey.parse({
    nodes: [
      { id: 'start', kind: 'trigger', on: { type: 'schedule', cron: '0 * * * ? *' }, next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  }),
  rules,
};
const campaign = { workspaceId: 'w', campaignId: 'c', status: 'active', publishedVersion: 1 } as Campaign;

describe('a scheduled launch under an accelerated campaign clock', () => {
  it('begins its record on the campaign clock, and computes the next slot on the injected real clock', async () => {
    // Real time: 11:10:30, so the run for the 09:00 slot is 2h10 late (the next hourly slot is 12:00).
    const realMs = Date.parse('2030-01-01T11:10:30.000Z');
    // Campaign time: an hour per second since an origin a minute ago (TIME_SCALE=3600).
    const clock = scaledClock(
      3600,
      { realMs: realMs - 60_000, clockMs: Date.parse('2031-06-01T00:00:00.000Z') },
      () => realMs,
    );
    const begun: string[] = [];
    const scheduled: string[] = [];
    const plan = scheduledLaunchPlan({
      campaigns: { get: async () => campaign, version: async () => version },
      index: {
        scheduleNext: async (_w: string, _c: string, _v: number, next: string) => void scheduled.push(next),
      } as unknown as CampaignTriggerIndex,
      launches: { begin: async (_w, _c, _l, at) => void begun.push(at) },
      now: () => clock.now(),
      realNow: () => new Date(realMs),
    });
    const schedule: CampaignSchedule = {
      due: async () => [{ workspaceId: 'w', campaignId: 'c', dueAt: SLOT }],
      markLaunched: async () => undefined,
    };
    const launches: LaunchStarter = { start: async () => undefined };
    await triggerDueCampaigns({ schedule, launches, plan, now: () => new Date(realMs) });
    expect(begun).toEqual([clock.now().toISOString()]);
    expect(begun[0]).toBe('2031-06-03T12:00:00.000Z');
    // After the run (late): the slot after the real now, not after the machine's own clock.
    expect(scheduled).toEqual(['2030-01-01T12:00:00.000Z']);
  });
});
