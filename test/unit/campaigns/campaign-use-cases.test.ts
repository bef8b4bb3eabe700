import { describe, expect, it } from 'vitest';
import { enrolAudiencePage, launchFailureMessage } from '../../../shared/campaigns/enrol-audience-page';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import type { CampaignSchedule, DueCampaign, LaunchPageDecision, LaunchStarter } from '../../../shared/campaigns/ports';
import { runDripStep } from '../../../shared/campaigns/run-drip-step';
import { triggerDueCampaigns } from '../../../shared/campaigns/trigger-due-campaigns';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const contacts = Array.from({ length: 5 }, (_, i) => `c${i}`);
const audience = {
  async page(_ws: string, _filter: unknown, size: number, cursor?: string) {
    const start = cursor ? Number(cursor) : 0;
    const ids = contacts.slice(start, start + size);
    return start + size < contacts.length ? { contactIds: ids, cursor: String(start + size) } : { contactIds: ids };
  },
};

describe('enrolAudiencePage', () => {
  it('pages through the audience and queues one enrol message per contact', async () => {
    const sent: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void sent.push(...m) };
    const pages: { pageKey: string; queued: number; suppressed: number; done: boolean }[] = [];
    const begun: string[] = [];
    const launches = {
      begin: async (_ws: string, _c: string, launchId: string) => void begun.push(launchId),
      fail: async () => undefined,
      resume: async () => undefined,
      failAttempt: async () => undefined,
      finish: async () => undefined,
      get: async () => undefined,
      page: async () => undefined,
      recordPage: async (_ws: string, _l: string, _key: string, d: LaunchPageDecision) => ({ ...d, counted: false }),
      addPage: async (
        _ws: string,
        _l: string,
        pageKey: string,
        c: { queued: number; suppressed: number },
        done: boolean,
      ) => void pages.push({ pageKey, ...c, done }),
    };
    // c3 unsubscribed, c4's contact vanished meanwhile: neither is queued; only c3 counts as suppressed.
    const deps = {
      audience,
      queue,
      launches,
      suppressions: {
        reasonsFor: async (_ws: string, email: string) => (email === 'c3@x.test' ? ['unsubscribe' as const] : []),
      },
      contacts: { get: async (_ws: string, id: string) => (id === 'c4' ? undefined : { email: `${id}@x.test` }) },
      now: () => new Date('2026-12-04T00:00:00Z'),
    };
    let page = { workspaceId: 'w', campaignId: 'c', launchId: 'l', enrolled: 0, pageSize: 2 } as Parameters<
      typeof enrolAudiencePage
    >[0];
    const results = [];
    for (;;) {
      const result = await enrolAudiencePage(page, deps);
      results.push(result);
      if (result.done) break;
      page = result;
    }
    expect(results.map((r) => r.enrolled)).toEqual([2, 3, 3]);
    expect(results.at(-1)?.cursor).toBeUndefined();
    expect(sent.map((m) => (m.kind === 'enrol' ? m.contactId : m.kind))).toEqual(['c0', 'c1', 'c2']);
    expect(pages).toEqual([
      { pageKey: 'first', queued: 2, suppressed: 0, done: false },
      { pageKey: '2', queued: 1, suppressed: 1, done: false },
      { pageKey: '4', queued: 0, suppressed: 0, done: true },
    ]);
    expect(sent[0]).toEqual({ kind: 'enrol', workspaceId: 'w', campaignId: 'c', contactId: 'c0', launchId: 'l' });
    // The first page makes sure the launch has a record (a scheduled launch's starter writes none).
    expect(begun).toEqual(['l']);
  });
});

describe('runDripStep', () => {
  it('enrols once; a redelivered enrol message changes nothing', async () => {
    const w = campaignWorld({
      nodes: [
        { id: 'start', kind: 'trigger', next: 'wait' },
        { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'end' },
        { id: 'end', kind: 'exit' },
      ],
    });
    w.addContact('x');
    const msg = { kind: 'enrol', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'x', launchId: 'l1' } as const;
    expect(await runDripStep(msg, w.deps)).toMatchObject({ status: 'waiting', node: 'wait' });
    expect(await runDripStep({ ...msg, launchId: 'l2' }, w.deps)).toEqual({
      status: 'not-enrolled',
      why: 'already enrolled',
    });
    expect(w.counters.get('entered')).toBe(1);
    const timer = w.timers[0]?.message;
    expect(timer).toEqual({ kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'x', run: 1, step: 2 });
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
    expect(result).toEqual({ launched: 1, failed: [] });
    expect(launched).toEqual(['camp-20261125180500000']);
    expect(marked).toEqual(due);
  });
});

describe('launchFailureMessage', () => {
  it("keeps a Lambda error's type and message, never its stack or an ARN", () => {
    const cause = JSON.stringify({
      errorType: 'AccessDeniedException',
      errorMessage: 'User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: dynamodb:Query',
      trace: ['AccessDeniedException: ...', '    at de_AccessDeniedExceptionRes (/var/task/index.mjs:1:2)'],
    });
    expect(launchFailureMessage({ Error: 'AccessDeniedException', Cause: cause })).toBe(
      'AccessDeniedException: User: [arn] is not authorized to perform: dynamodb:Query',
    );
    expect(launchFailureMessage({ Error: 'States.TaskFailed', Cause: cause })).toMatch(/^AccessDeniedException: /);
  });

  it('keeps a plain-text cause, and bounds a long one', () => {
    expect(launchFailureMessage({ Error: 'States.Timeout', Cause: 'Task timed out' })).toBe(
      'States.Timeout: Task timed out',
    );
    expect(launchFailureMessage({})).toBe('Error');
    const long = launchFailureMessage({ Error: 'Error', Cause: 'x'.repeat(2000) });
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });
});
