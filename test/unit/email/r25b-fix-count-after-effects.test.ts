/**
 * Review round 25 (b): a campaign's counter write that fails must not keep a provider event from
 * having its effects. `countOnce` (the campaign's stats) used to run before the suppression: a
 * complaint or hard bounce whose counter write was refused was retried to the DLQ and the address
 * never suppressed. Now the count is the event's last write; its replay repeats the effects
 * (idempotent) and counts.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignDeliveryCount } from '../../../shared/email/event-ports';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import type { EmailEvent } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';

const T0 = Date.parse('2026-12-04T10:00:00Z');

function depsOf(countFails: () => boolean) {
  const writes: string[] = [];
  const counted: CampaignDeliveryCount[] = [];
  const deps: ProcessEventDeps = {
    sends: { markDelivery: async () => ({ result: 'updated' }) },
    suppressions: {
      suppress: async (_ws: string, email: string, reason: string) => {
        writes.push(`suppress ${email} ${reason}`);
      },
      suppressContact: async (_ws: string, contactId: string, reason: string) => {
        writes.push(`suppressContact ${contactId} ${reason}`);
      },
      reasonsFor: async () => [],
    } as unknown as ProcessEventDeps['suppressions'],
    softBounces: { record: async () => [] },
    timeline: {
      record: async () => {
        writes.push('timeline');
        return 'recorded';
      },
    },
    reputation: {
      countOnce: async () => {
        writes.push('reputation');
        return true;
      },
      counts: async () => ({ sent: 1000, bounces: 0, complaints: 1 }),
    },
    guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    campaigns: {
      countOnce: async (event) => {
        if (countFails()) throw new Error('Item size has exceeded the maximum allowed size');
        counted.push(event);
        writes.push('campaign count');
      },
    },
    now: () => T0,
    wait: async () => {},
  };
  return { deps, writes, counted };
}

const eventOf = (type: 'complained' | 'bounced' | 'delivered'): EmailEvent => ({
  provider: 'ses',
  type,
  ...(type === 'bounced' ? { bounceType: 'permanent' as const } : {}),
  providerMessageId: 'ses-1',
  workspaceId: 'ws-1',
  sendId: 'send-1',
  ledgerKey: 'campaign#cmp1#c-ada#1#welcome#1',
  campaign: { campaignId: 'cmp1', nodeId: 'welcome' },
  contactId: 'c-ada',
  email: 'ada@example.com',
  at: new Date(T0 - 1000).toISOString(),
});

describe('a provider event of a campaign mail whose counter write fails', () => {
  it.each(['complained', 'bounced'] as const)(
    '%s: the address is suppressed all the same, counted on the replay',
    async (type) => {
      let fail = true;
      const { deps, writes, counted } = depsOf(() => fail);
      await expect(processEmailEvent(eventOf(type), deps)).rejects.toThrow(/maximum allowed size/);
      const reason = type === 'complained' ? 'complaint' : 'hard-bounce';
      expect(writes).toContain(`suppress ada@example.com ${reason}`);
      expect(writes).toContain('timeline');
      expect(writes).toContain('reputation');
      expect(counted).toEqual([]);

      fail = false;
      const outcome = await processEmailEvent(eventOf(type), deps);
      expect(outcome.status).toBe('processed');
      expect(counted.map((c) => c.kind)).toEqual([type]);
      expect(writes.at(-1)).toBe('campaign count');
    },
  );

  it('delivered: counted after the timeline, once it succeeds', async () => {
    const { deps, writes, counted } = depsOf(() => false);
    await processEmailEvent(eventOf('delivered'), deps);
    expect(writes).toEqual(['timeline', 'campaign count']);
    expect(counted).toHaveLength(1);
  });
});
