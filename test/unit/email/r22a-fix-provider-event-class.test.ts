/**
 * Review round 22 (a), the classes behind the two findings:
 *
 * - One table says which bounce subtypes of which provider are the account's suppression list
 *   (`isAccountSuppression`), and both parsers read it: SES `OnAccountSuppressionList` (its
 *   `Suppressed`, the global list SES counts, stays counted); Resend `OnAccountSuppressionList`
 *   and `Suppressed`. The local Resend stand-in sends what Resend does: `bounced@` a real hard
 *   bounce (counted), `suppressed@` the suppression list's `email.suppressed` (not counted).
 * - An event is dated by itself: every port it writes through gets the same time on every
 *   delivery, whatever the consumer's clock says (a stamp ahead of it included), so nothing keyed
 *   by that time (timeline entry, soft-bounce log entry) is written twice. Under TIME_SCALE the
 *   timeline waits (real time) for a stamp ahead of it rather than refuse it.
 * - Resend's `email.failed` (accepted, then not sent) marks the send record `failed` with the
 *   reason and is counted once; it suppresses, counts and records nothing else.
 */
import { describe, expect, it } from 'vitest';
import { resendWebhooksOf } from '../../../lib/local/emulators/resend-webhooks';
import { scaledClock } from '../../../shared/clock';
import { contactCreateSchema } from '../../../shared/crm/contacts/contact-fields';
import { createContact } from '../../../shared/crm/contacts/use-cases';
import { interactionTimeline } from '../../../shared/email/email-timeline';
import type { DeliveryState, EmailTimeline } from '../../../shared/email/event-ports';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import {
  type EmailEvent,
  isAccountSuppression,
  parseResendWebhook,
  parseSesEvent,
} from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';
import {
  countingScorer,
  memoryContacts,
  memoryEvents,
  memoryInteractions,
  sequentialIds,
} from '../crm/contacts/memory-stores';

type TimelineEntry = Parameters<EmailTimeline['record']>[2];

const tags = [
  { name: 'workspace', value: 'ws-1' },
  { name: 'send', value: 'send-1' },
];
const resendBounce = (subType: string) =>
  parseResendWebhook({
    type: 'email.bounced',
    created_at: '2026-12-04T10:00:00.000Z',
    data: { email_id: 're-1', to: ['a@example.com'], tags, bounce: { type: 'Permanent', subType, message: 'x' } },
  });
const sesBounce = (bounceSubType: string) =>
  parseSesEvent({
    id: 'e',
    'detail-type': 'Email Bounced',
    source: 'aws.ses',
    time: '2026-12-04T10:00:00Z',
    detail: {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType, bouncedRecipients: [{ emailAddress: 'a@example.com' }] },
      mail: { messageId: 'm', destination: ['a@example.com'], tags: { workspace: ['ws-1'], send: ['send-1'] } },
    },
  });
const only = (parsed: ReturnType<typeof parseResendWebhook>): EmailEvent => {
  if (parsed.status !== 'events' || !parsed.events[0]) throw new Error('no event');
  return parsed.events[0];
};

describe("the provider account's suppression list, one table for both parsers", () => {
  it('says which subtypes of which provider it is', () => {
    expect(isAccountSuppression('ses', 'OnAccountSuppressionList')).toBe(true);
    expect(isAccountSuppression('ses', 'Suppressed')).toBe(false);
    expect(isAccountSuppression('ses', 'General')).toBe(false);
    expect(isAccountSuppression('resend', 'OnAccountSuppressionList')).toBe(true);
    expect(isAccountSuppression('resend', 'Suppressed')).toBe(true);
    expect(isAccountSuppression('resend', 'General')).toBe(false);
    expect(isAccountSuppression('resend', undefined)).toBe(false);
    expect(isAccountSuppression('ses', null)).toBe(false);
  });

  it('is what each parser marks accountSuppressed', () => {
    for (const subType of ['OnAccountSuppressionList', 'Suppressed', 'General', 'NoEmail']) {
      expect(only(resendBounce(subType)).accountSuppressed === true, `resend ${subType}`).toBe(
        isAccountSuppression('resend', subType),
      );
      expect(only(sesBounce(subType)).accountSuppressed === true, `ses ${subType}`).toBe(
        isAccountSuppression('ses', subType),
      );
    }
  });

  it("is what the local Resend stand-in's suppressed@ sends, and not its bounced@", () => {
    const bounceOf = (to: string, type: string) => {
      const hooks = resendWebhooksOf(
        { id: 're-2', created_at: '2026-12-04T10:00:00.000Z', from: 'a@b.c', to: [to], subject: 's', tags },
        0,
      );
      expect(hooks.map((h) => h.type)).toEqual(['email.sent', type]);
      return only(parseResendWebhook(hooks[1]));
    };
    // Resend reports its suppression list as `email.suppressed` (review round 24), always the account's.
    expect(bounceOf('suppressed+1@resend.dev', 'email.suppressed')).toMatchObject({
      type: 'bounced',
      bounceType: 'permanent',
      bounceSubType: 'OnAccountSuppressionList',
      accountSuppressed: true,
    });
    const hard = bounceOf('bounced@resend.dev', 'email.bounced');
    expect(hard).toMatchObject({ bounceType: 'permanent', bounceSubType: 'General' });
    expect(hard.accountSuppressed).toBeUndefined();
  });
});

/** Ports that keep the time each write was given. */
function recordingDeps(nowMs: () => number) {
  const times: Record<string, number[]> = {};
  const at = (port: string, ms: number) => {
    times[port] = [...(times[port] ?? []), ms];
  };
  const marks: Array<{ state: DeliveryState; reason?: string }> = [];
  const softLog = new Set<string>();
  const counted: string[] = [];
  const timeline: TimelineEntry[] = [];
  let markResult: 'updated' | 'unchanged' = 'updated';
  const deps: ProcessEventDeps = {
    sends: {
      markDelivery: async (_ws, _p, _m, state, atMs, _key, reason) => {
        at('record', atMs);
        marks.push({ state, ...(reason ? { reason } : {}) });
        const result = markResult;
        markResult = 'unchanged';
        return { result, sentAtMs: Date.parse('2026-12-04T09:00:00Z') };
      },
    },
    suppressions: {
      suppress: async (_ws, _email, _reason, atMs) => at('suppression', atMs),
      suppressContact: async () => {},
    },
    softBounces: {
      record: async (_ws, _email, key, atMs) => {
        at('soft-bounce log', atMs);
        softLog.add(`${atMs}#${key}`);
        return [...softLog].map((e) => Number(e.split('#')[0]));
      },
    },
    timeline: {
      record: async (_ws, _email, entry) => {
        at('timeline', Date.parse(entry.occurredAt));
        timeline.push(entry);
        return 'recorded';
      },
    },
    campaigns: { countOnce: async ({ at: when }) => at('campaign', when.getTime()) },
    reputation: { countOnce: async () => true, counts: async () => ({ sent: 0, bounces: 0, complaints: 0 }) },
    guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    metrics: { counted: (k) => counted.push(k), rates: () => undefined, paused: () => undefined },
    now: nowMs,
    wait: async () => {},
  };
  return { deps, times, marks, softLog, counted, timeline };
}

describe('an event is dated by itself, on every delivery', () => {
  const event = (type: 'delivered' | 'bounced' | 'complained', bounceType?: 'transient'): EmailEvent => ({
    provider: 'resend',
    type,
    providerMessageId: 're-1',
    workspaceId: 'ws-1',
    sendId: 'send-1',
    campaign: { campaignId: 'c-1', nodeId: 'n1' },
    email: 'a@example.com',
    ...(type === 'bounced' ? { bounceType: bounceType ?? 'permanent' } : {}),
    // 2 s ahead of the first delivery's clock.
    at: '2026-12-04T10:00:02.000Z',
  });

  for (const [name, e] of [
    ['a delivery', event('delivered')],
    ['a hard bounce', event('bounced')],
    ['a soft bounce', event('bounced', 'transient')],
    ['a complaint', event('complained')],
  ] as const) {
    it(`${name} stamped ahead of our clock writes the same time everywhere, however late it comes again`, async () => {
      let now = Date.parse('2026-12-04T10:00:00.000Z');
      const { deps, times, softLog, timeline } = recordingDeps(() => now);
      await processEmailEvent(e, deps);
      now += 60_000;
      await processEmailEvent(e, deps);
      now += 86_400_000;
      await processEmailEvent(e, deps);
      expect(Object.keys(times).length).toBeGreaterThanOrEqual(3);
      for (const [port, seen] of Object.entries(times)) {
        expect(new Set(seen), `${port} got another time on a redelivery`).toEqual(new Set([Date.parse(e.at)]));
      }
      // The items those times key: one timeline entry (id and occurredAt), one soft-bounce entry.
      expect(new Set(timeline.map((t) => `${t.interactionId}@${t.occurredAt}`)).size).toBe(1);
      expect(softLog.size).toBe(e.bounceType === 'transient' ? 1 : 0);
    });
  }
});

describe('the timeline under TIME_SCALE', () => {
  it('waits (real time) for an entry stamped ahead of its clock, then records it at its own time', async () => {
    let realNow = Date.parse('2026-12-04T10:00:00.000Z');
    const clock = scaledClock(3600, { realMs: realNow - 10_000, clockMs: realNow }, () => realNow);
    const contacts = memoryContacts();
    const interactions = memoryInteractions();
    const now = () => clock.now();
    const crm = {
      contacts,
      interactions,
      scorer: countingScorer(contacts, interactions),
      now,
      newId: sequentialIds('i'),
      events: memoryEvents(),
    };
    const { contactId } = await createContact('ws-1', contactCreateSchema.parse({ email: 'a@example.com' }), crm);
    const slept: number[] = [];
    const timeline = interactionTimeline(crm, clock, async (ms) => {
      slept.push(ms);
      realNow += ms;
    });
    // The stand-in's delivery, stamped 900 real ms ahead: 54 campaign minutes ahead of the clock.
    const stamped = realNow + 900;
    const entry = {
      type: 'email_delivered' as const,
      interactionId: '3f2c1a9e-0000-4000-8000-000000000001',
      occurredAt: new Date(stamped).toISOString(),
      metadata: {},
    };
    expect(await timeline.record('ws-1', 'a@example.com', entry, contactId)).toBe('recorded');
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeLessThanOrEqual(900);
    expect(interactions.all.find((i) => i.type === 'email_delivered')?.occurredAt).toBe(
      clock.fromReal(stamped).toISOString(),
    );
    // Redelivered later: nothing to wait for, the same entry (id and time).
    realNow += 5_000;
    expect(await timeline.record('ws-1', 'a@example.com', entry, contactId)).toBe('recorded');
    expect(slept).toHaveLength(1);
    expect(new Set(interactions.all.map((i) => `${i.interactionId}@${i.occurredAt}`)).size).toBe(1);
  });
});

describe("Resend's email.failed (accepted, then not sent)", () => {
  const failed = {
    type: 'email.failed',
    created_at: '2026-12-04T10:00:01.000Z',
    data: {
      email_id: 're-9',
      created_at: '2026-12-04T10:00:00.000Z',
      to: ['a@example.com'],
      tags: [...tags, { name: 'campaign', value: 'c-1' }],
      failed: { reason: 'reached_daily_quota' },
    },
  };

  it('is parsed with its reason', () => {
    expect(only(parseResendWebhook(failed))).toMatchObject({
      provider: 'resend',
      type: 'failed',
      providerMessageId: 're-9',
      failedReason: 'reached_daily_quota',
    });
  });

  it('marks the send record failed with the reason, counted once, and changes nothing else', async () => {
    const now = Date.parse('2026-12-04T10:05:00.000Z');
    const { deps, times, marks, counted, timeline } = recordingDeps(() => now);
    const event = only(parseResendWebhook(failed));
    expect(await processEmailEvent(event, deps)).toEqual({ status: 'processed', counted: true });
    // Redelivered: the record is failed already.
    expect(await processEmailEvent(event, deps)).toEqual({ status: 'processed', counted: false });
    expect(marks).toEqual([
      { state: 'failed', reason: 'reached_daily_quota' },
      { state: 'failed', reason: 'reached_daily_quota' },
    ]);
    expect(counted).toEqual(['failed']);
    expect(Object.keys(times)).toEqual(['record']);
    expect(timeline).toEqual([]);
  });

  it('that no send record holds is ignored', async () => {
    const { deps } = recordingDeps(() => Date.parse('2026-12-04T10:05:00.000Z'));
    const outcome = await processEmailEvent(only(parseResendWebhook(failed)), {
      ...deps,
      sends: { markDelivery: async () => ({ result: 'unknown' }) },
    });
    expect(outcome.status).toBe('ignored');
  });
});
