import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../../shared/campaigns/enrol-audience-page';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import type { CampaignSchedule, DueCampaign, Enrolment, LaunchStarter } from '../../../shared/campaigns/ports';
import { runDripStep } from '../../../shared/campaigns/run-drip-step';
import { triggerDueCampaigns } from '../../../shared/campaigns/trigger-due-campaigns';

const contacts = Array.from({ length: 5 }, (_, i) => `c${i}`);
const audience = {
  async page(_ws: string, _c: string, size: number, cursor?: string) {
    const start = cursor ? Number(cursor) : 0;
    const ids = contacts.slice(start, start + size);
    return start + size < contacts.length ? { contactIds: ids, cursor: String(start + size) } : { contactIds: ids };
  },
};

describe('enrolAudiencePage', () => {
  it('pages through the audience and queues one enrol message per contact', async () => {
    const sent: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void sent.push(...m) };
    let page = { workspaceId: 'w', campaignId: 'c', launchId: 'l', enrolled: 0, pageSize: 2 } as Parameters<
      typeof enrolAudiencePage
    >[0];
    const results = [];
    for (;;) {
      const result = await enrolAudiencePage(page, { audience, queue });
      results.push(result);
      if (result.done) break;
      page = result;
    }
    expect(results.map((r) => r.enrolled)).toEqual([2, 4, 5]);
    expect(results.at(-1)?.cursor).toBeUndefined();
    expect(sent.map((m) => m.contactId)).toEqual(contacts);
    expect(sent[0]).toEqual({ kind: 'enrol', workspaceId: 'w', campaignId: 'c', contactId: 'c0', launchId: 'l' });
  });
});

describe('runDripStep', () => {
  it('enrols once; a redelivered message changes nothing', async () => {
    const store = new Map<string, Enrolment>();
    const enrolments = {
      async createIfAbsent(e: Enrolment) {
        const key = `${e.workspaceId}/${e.campaignId}/${e.contactId}`;
        if (store.has(key)) return false;
        store.set(key, e);
        return true;
      },
    };
    const msg = { kind: 'enrol', workspaceId: 'w', campaignId: 'c', contactId: 'x', launchId: 'l1' } as const;
    const now = () => new Date('2026-01-01T00:00:00Z');
    expect(await runDripStep(msg, { enrolments, now })).toBe('enrolled');
    expect(await runDripStep({ ...msg, launchId: 'l2' }, { enrolments, now })).toBe('already-enrolled');
    expect([...store.values()]).toEqual([
      {
        workspaceId: 'w',
        campaignId: 'c',
        contactId: 'x',
        launchId: 'l1',
        state: 'running',
        enrolledAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });
});

describe('triggerDueCampaigns', () => {
  it('starts one launch per due slot with a launch id derived from the slot', async () => {
    const due: DueCampaign[] = [{ workspaceId: 'w', campaignId: 'camp', dueAt: '2026-11-25T18:05:00.000Z' }];
    const launched: string[] = [];
    const marked: DueCampaign[] = [];
    const schedule: CampaignSchedule = { due: async () => due, markLaunched: async (c) => void marked.push(c) };
    const launches: LaunchStarter = { start: async (i) => void launched.push(i.launchId) };
    const result = await triggerDueCampaigns({ schedule, launches, now: () => new Date() });
    expect(result).toEqual({ launched: 1 });
    expect(launched).toEqual(['camp-20261125180500000']);
    expect(marked).toEqual(due);
  });
});
