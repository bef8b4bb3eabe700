/**
 * Regression (review): a schedule trigger whose cron the old code accepted (a backwards range such as
 * "SAT-SUN" for weekends or "22-2" for the night: the old parser took it and the slot was simply
 * never found) is now a ScheduleExpressionError thrown at run time by every trigger sync of the
 * stored published version: resume, PATCH of an active campaign -> 500 after the write, and the
 * resume route never queues its resume-page (held enrolments stay held).
 */
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/campaigns/campaign';
import { syncCampaignTriggers } from '../../../shared/campaigns/campaign-triggers';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { nextScheduledRun } from '../../../shared/campaigns/trigger';
import { AppError } from '../../../shared/errors';

const STORED_CRONS = ['0 9 ? * SAT-SUN *', '0 22-2 * * ? *', '0 9 ? * MON-SUN *'];

describe('crons stored before c81e6d4', () => {
  it('must not make the trigger sync of a stored version throw (it runs on resume / PATCH)', async () => {
    for (const cron of STORED_CRONS) {
      const published = {
        workspaceId: 'w1',
        campaignId: 'c1',
        version: 1,
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', on: { type: 'schedule', cron }, next: 'end' },
            { id: 'end', kind: 'exit' },
          ],
        },
        rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      } as unknown as PublishedVersion;
      const campaign = {
        workspaceId: 'w1',
        campaignId: 'c1',
        status: 'active',
        publishedVersion: 1,
        revision: 3,
      } as Campaign;
      const writes: unknown[] = [];
      const run = syncCampaignTriggers(campaign, {
        campaigns: { version: async () => published },
        index: {
          set: async () => undefined,
          setSchedule: async (...a: unknown[]) => void writes.push(a),
          pendingSlot: async () => undefined,
        } as never,
        now: () => new Date('2026-12-07T10:00:00Z'),
      });
      let error: unknown;
      await run.catch((e: unknown) => {
        error = e;
      });
      // What an HTTP caller gets: an AppError maps to 4xx, anything else is a 500.
      expect({
        cron,
        threw: error !== undefined,
        isAppError: error instanceof AppError,
        message: String(error),
      }).toEqual({
        cron,
        threw: false,
        isAppError: false,
        message: 'undefined',
      });
      void nextScheduledRun;
    }
  });
});
