/** Campaign triggers: the `on` schema, the event matcher, schedule slots in a time zone, and enrolment per event. */
import { describe, expect, it } from 'vitest';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { journey } from '../../../shared/campaigns/journey';
import type { EnrolMessage } from '../../../shared/campaigns/messages';
import { dripStepMessage } from '../../../shared/campaigns/messages';
import {
  eventTriggerKeys,
  nextScheduledRun,
  type TriggerKey,
  type TriggerOn,
  triggerIndexKey,
  triggerMatches,
  triggerOf,
  triggerOn,
} from '../../../shared/campaigns/trigger';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';

const nodes = (on?: unknown) => [
  { id: 'start', kind: 'trigger', ...(on === undefined ? {} : { on }), next: 'done' },
  { id: 'done', kind: 'exit' },
];

describe('trigger schema', () => {
  it('keeps journeys without `on` valid and reads them as manual', () => {
    const parsed = journey.parse({ nodes: nodes() });
    expect(triggerOf(parsed)).toEqual({ type: 'manual' });
  });

  it('takes each kind, normalising tags, and refuses bad ones', () => {
    expect(triggerOf(journey.parse({ nodes: nodes({ type: 'tag-added', tag: ' VIP ' }) }))).toEqual({
      type: 'tag-added',
      tag: 'vip',
    });
    expect(triggerOn.safeParse({ type: 'interaction', interaction: 'form_submit' }).success).toBe(true);
    expect(triggerOn.safeParse({ type: 'interaction', interaction: 'teleported' }).success).toBe(false);
    expect(triggerOn.safeParse({ type: 'score-tier', tier: 'boiling' }).success).toBe(false);
    expect(triggerOn.safeParse({ type: 'schedule', cron: '0 9 ? * MON *' }).success).toBe(true);
    expect(triggerOn.safeParse({ type: 'schedule', cron: '0 9 * * MON' }).success).toBe(false);
    expect(triggerOn.safeParse({ type: 'schedule' }).success).toBe(false);
    expect(triggerOn.safeParse({ type: 'schedule', cron: '0 9 ? * MON *', timeZone: 'Mars/Olympus' }).success).toBe(
      false,
    );
  });

  it('refuses a cron with a backwards range (it would match nothing and never fire) as a 400 on `cron`', () => {
    for (const cron of ['59-0 * * * ? *', 'cron(0 22-2 * * ? *)', '0 9 ? * FRI-MON *']) {
      const parsed = triggerOn.safeParse({ type: 'schedule', cron });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['cron']);
    }
  });
});

describe('the event matcher', () => {
  const tagAdded = { type: 'contact.tag_added', detail: { contactId: 'c1', tag: 'vip' } };
  it('maps each domain event to the index key of the trigger it starts', () => {
    expect(eventTriggerKeys({ type: 'contact.created', detail: { contactId: 'c1' } })).toEqual([
      { kind: 'contact-created', value: '*' },
    ]);
    expect(eventTriggerKeys(tagAdded)).toEqual([{ kind: 'tag-added', value: 'vip' }]);
    expect(eventTriggerKeys({ type: 'contact.score_threshold_crossed', detail: { toTier: 'hot' } })).toEqual([
      { kind: 'score-tier', value: 'hot' },
    ]);
    expect(
      eventTriggerKeys({ type: 'contact.interaction_recorded', detail: { interactionType: 'form_submit' } }),
    ).toEqual([{ kind: 'interaction', value: 'form_submit' }]);
    expect(eventTriggerKeys({ type: 'contact.deleted', detail: {} })).toEqual([]);
    expect(eventTriggerKeys({ type: 'contact.tag_added', detail: {} })).toEqual([]);
  });

  it('matches only the trigger with the same value', () => {
    expect(triggerMatches({ type: 'tag-added', tag: 'vip' }, tagAdded)).toBe(true);
    expect(triggerMatches({ type: 'tag-added', tag: 'trial' }, tagAdded)).toBe(false);
    expect(triggerMatches({ type: 'contact-created' }, tagAdded)).toBe(false);
    expect(triggerMatches({ type: 'manual' }, tagAdded)).toBe(false);
    expect(triggerIndexKey({ type: 'webhook' })).toBeUndefined();
  });
});

describe('schedule slots', () => {
  const weeklyNine: TriggerOn = { type: 'schedule', cron: 'cron(0 9 ? * MON *)' };
  it('fires at 09:00 Monday on the campaign zone’s clock, across a DST change', () => {
    // Saturday 2026-03-28 in Berlin (CET, UTC+1); the clocks go forward on Sunday the 29th.
    expect(nextScheduledRun(weeklyNine, 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'))).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(nextScheduledRun(weeklyNine, 'Europe/Berlin', new Date('2026-03-20T12:00:00Z'))).toBe(
      '2026-03-23T08:00:00.000Z',
    );
    expect(nextScheduledRun(weeklyNine, 'UTC', new Date('2026-03-30T09:00:00Z'))).toBe('2026-04-06T09:00:00.000Z');
  });

  it('takes the trigger’s own zone over the campaign’s, and a one-off `at` once', () => {
    const ny: TriggerOn = { type: 'schedule', cron: '30 8 * * ? *', timeZone: 'America/New_York' };
    expect(nextScheduledRun(ny, 'Europe/Berlin', new Date('2026-07-01T00:00:00Z'))).toBe('2026-07-01T12:30:00.000Z');
    const once: TriggerOn = { type: 'schedule', at: '2026-05-01T10:00:00Z' };
    expect(nextScheduledRun(once, 'UTC', new Date('2026-04-01T00:00:00Z'))).toBe('2026-05-01T10:00:00.000Z');
    expect(nextScheduledRun(once, 'UTC', new Date('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(nextScheduledRun({ type: 'manual' }, 'UTC', new Date())).toBeUndefined();
  });

  it('moves a slot in the spring-forward gap past it', () => {
    const halfTwo: TriggerOn = { type: 'schedule', cron: '30 2 * * ? *' };
    // 02:30 does not exist in Berlin on 2026-03-29: 03:30 CEST (01:30 UTC).
    expect(nextScheduledRun(halfTwo, 'Europe/Berlin', new Date('2026-03-28T22:00:00Z'))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
});

describe('triggerFromEvent', () => {
  const published = (on: TriggerOn, reentry: 'never' | 'always' = 'always'): PublishedVersion =>
    ({
      workspaceId: 'w1',
      campaignId: 'x',
      version: 1,
      journey: { nodes: nodes(on) },
      rules: { timeZone: 'UTC', reentry: { mode: reentry } },
    }) as unknown as PublishedVersion;

  function world(campaigns: Record<string, { status: 'active' | 'paused'; on: TriggerOn }>) {
    const claims = new Set<string>();
    const enrolled: EnrolMessage[] = [];
    const index: CampaignTriggerIndex = {
      set: async () => undefined,
      find: async (_ws, key: TriggerKey) =>
        Object.entries(campaigns)
          .filter(([, c]) => JSON.stringify(triggerIndexKey(c.on)) === JSON.stringify(key))
          .map(([id]) => id),
      claimed: async (_ws, eventId, contactId, campaignId) => claims.has(`${eventId}#${contactId}#${campaignId}`),
      claim: async (_ws, eventId, contactId, campaignId) => {
        const k = `${eventId}#${contactId}#${campaignId}`;
        if (claims.has(k)) return false;
        claims.add(k);
        return true;
      },
      setSchedule: async () => undefined,
      pendingSlot: async () => undefined,
      scheduleNext: async () => undefined,
    };
    const deps = {
      index,
      versions: {
        load: async (_ws: string, id: string) => {
          const c = campaigns[id];
          return c ? { status: c.status, published: published(c.on) } : undefined;
        },
      },
      enrol: async (m: EnrolMessage) => void enrolled.push(m),
    };
    return { deps, enrolled, claims };
  }

  const envelope = (detailType: string, detail: Record<string, unknown>, id = 'eb-1') =>
    dripStepMessage.parse({ version: '0', id, 'detail-type': detailType, source: 'unite-hub', detail });

  it('enrols the contact into each active matching campaign once per event id', async () => {
    const { deps, enrolled } = world({
      vip: { status: 'active', on: { type: 'tag-added', tag: 'vip' } },
      paused: { status: 'paused', on: { type: 'tag-added', tag: 'vip' } },
      trial: { status: 'active', on: { type: 'tag-added', tag: 'trial' } },
    });
    const message = envelope('contact.tag_added', { workspaceId: 'w1', contactId: 'c1', tag: 'vip', eventId: 'e1' });
    if (message.kind !== 'domain-event') throw new Error('expected a domain event');
    expect(await triggerFromEvent(message.event, deps)).toEqual({
      matched: 1,
      enrolled: 1,
      replayed: 0,
      selfTriggered: 0,
    });
    expect(enrolled).toEqual([
      { kind: 'enrol', workspaceId: 'w1', campaignId: 'vip', contactId: 'c1', launchId: 'event-e1' },
    ]);
    // The same event again (EventBridge's id differs on a re-put; the publisher's eventId does not).
    const again = envelope(
      'contact.tag_added',
      { workspaceId: 'w1', contactId: 'c1', tag: 'vip', eventId: 'e1' },
      'eb-2',
    );
    if (again.kind !== 'domain-event') throw new Error('expected a domain event');
    expect(await triggerFromEvent(again.event, deps)).toEqual({
      matched: 1,
      enrolled: 0,
      replayed: 1,
      selfTriggered: 0,
    });
    expect(enrolled).toHaveLength(1);
  });

  it('records the event only after its enrolment: a failure or a crash before the record loses nothing', async () => {
    const { deps, enrolled, claims } = world({ c: { status: 'active', on: { type: 'contact-created' } } });
    const message = envelope('contact.created', { workspaceId: 'w1', contactId: 'c9', eventId: 'created-c9' });
    if (message.kind !== 'domain-event') throw new Error('expected a domain event');
    const failing = { ...deps, enrol: async () => Promise.reject(new Error('queue down')) };
    await expect(triggerFromEvent(message.event, failing)).rejects.toThrow('queue down');
    expect(claims.size).toBe(0);
    expect(await triggerFromEvent(message.event, deps)).toMatchObject({ enrolled: 1 });
    expect(enrolled).toHaveLength(1);
  });

  it('ignores events without a workspace or contact', async () => {
    const { deps } = world({ c: { status: 'active', on: { type: 'contact-created' } } });
    const message = envelope('contact.created', { workspaceId: 'w1' });
    if (message.kind !== 'domain-event') throw new Error('expected a domain event');
    expect(await triggerFromEvent(message.event, deps)).toEqual({
      matched: 0,
      enrolled: 0,
      replayed: 0,
      selfTriggered: 0,
    });
  });
});
