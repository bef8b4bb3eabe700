/**
 * Review round 11: this test failed at eab1d13 (a launch page counted contacts deleted between
 * the audience read and the enrol as `suppressed`: a page with one unsubscribed contact and two
 * deleted ones recorded 3 suppressed).
 *
 * A launch's `suppressed` counts the contacts left out because they may not get marketing mail
 * (an unsubscribe, a bounce, a complaint, a suppression added by hand), and nothing else: a
 * contact gone or soft-deleted after the page was read is neither queued nor counted.
 */
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../../shared/campaigns/enrol-audience-page';
import type { AudiencePage, DripStepMessage } from '../../../shared/campaigns/messages';
import type { LaunchRecords } from '../../../shared/campaigns/ports';

describe('launch progress', () => {
  it('counts as suppressed only contacts a suppression leaves out, not deleted ones', async () => {
    const sent: DripStepMessage[] = [];
    const pages: { queued: number; suppressed: number }[] = [];
    const launches = {
      begin: async () => undefined,
      page: async () => undefined,
      recordPage: async (_ws: string, _l: string, _key: string, d: object) => ({ ...d, counted: false }),
      addPage: async (_ws: string, _l: string, _key: string, counts: { queued: number; suppressed: number }) =>
        void pages.push(counts),
    } as unknown as LaunchRecords;
    // live: queued; unsub: unsubscribed (suppressed); gone: deleted after the page read it;
    // soft: soft-deleted meanwhile (read with its deletedAt).
    const deps = {
      audience: { page: async () => ({ contactIds: ['live', 'unsub', 'gone', 'soft'] }) },
      queue: { sendAll: async (m: readonly DripStepMessage[]) => void sent.push(...m) },
      launches,
      suppressions: {
        reasonsFor: async (_ws: string, email: string) => (email === 'unsub@x.test' ? ['unsubscribe' as const] : []),
      },
      contacts: {
        get: async (_ws: string, id: string) =>
          id === 'gone'
            ? undefined
            : { email: `${id}@x.test`, ...(id === 'soft' ? { deletedAt: '2026-12-03T00:00:00Z' } : {}) },
      },
      now: () => new Date('2026-12-04T00:00:00Z'),
    };
    const page: AudiencePage = { workspaceId: 'w', campaignId: 'c', launchId: 'l', enrolled: 0, pageSize: 100 };
    const result = await enrolAudiencePage(page, deps);
    expect(sent.map((m) => (m.kind === 'enrol' ? m.contactId : m.kind))).toEqual(['live']);
    expect(result).toMatchObject({ enrolled: 1, done: true });
    expect(pages).toEqual([{ queued: 1, suppressed: 1 }]);
  });
});
