/**
 * Review round 13: this test failed at f87176e (a soft bounce, then a hard bounce, of one message:
 * one dedupe key for both, so the hard bounce was never counted in the bounce rate nor put on the
 * timeline).
 *
 * MEDIUM, shared/email/process-event.ts: eventKeyOf.
 *
 * FAULT: the dedupe key of a provider event is `<provider>#<message>#<type>#<email>`, with `type`
 * = `bounced` for soft and hard bounces alike. A message that first bounces Transient (mailbox
 * full, SES gave up retrying) and later Permanent (the recipient's server's asynchronous DSN:
 * "user unknown") has two different facts under ONE key: the reputation marker `EMAILEVT#<key>`
 * made by the soft bounce makes `countOnce` refuse the hard one (never counted in the bounce rate,
 * never judged toward a pause), and the timeline entry, whose id is derived from the same key, is
 * the soft one's replay: the contact's timeline never shows the hard bounce.
 *
 * FIX: key bounces by their kind too, e.g. `...#bounced:${hard ? 'hard' : 'soft'}#<email>` in eventKeyOf
 * (or include the bounce's own timestamp / feedback id).
 */
import { describe, expect, it } from 'vitest';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import { parseSesEvent } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';

const NOW = Date.parse('2026-12-04T12:00:00Z');

const sesBounce = (bounceType: 'Transient' | 'Permanent', subType: string, timestamp: string) => ({
  version: '0',
  id: `evt-${bounceType}`,
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  time: timestamp,
  detail: {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: subType,
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp,
    },
    mail: {
      messageId: 'ses-msg-1',
      timestamp: '2026-12-04T10:00:00Z',
      destination: ['ada@example.com'],
      tags: { workspace: ['ws-1'], send: ['send-1'], contact: ['c-1'] },
    },
  },
});

/** Ports that keep the contracts of the DynamoDB adapters: countOnce and the timeline are idempotent per key/id. */
function store() {
  const counted = new Map<string, Record<string, number>>();
  const timeline = new Map<string, { type: string; metadata: Record<string, string> }>();
  const deps: ProcessEventDeps = {
    sends: { markDelivery: async () => ({ result: 'updated' }) },
    suppressions: { suppress: async () => {}, suppressContact: async () => {} },
    softBounces: { record: async (_ws, _email, _key, atMs) => [atMs] },
    timeline: {
      record: async (_ws, _email, entry) => {
        if (!timeline.has(entry.interactionId)) timeline.set(entry.interactionId, entry);
        return 'recorded';
      },
    },
    reputation: {
      countOnce: async (_ws, eventKey, _hour, delta) => {
        if (counted.has(eventKey)) return false;
        counted.set(eventKey, delta as Record<string, number>);
        return true;
      },
      counts: async () => ({ sent: 1000, bounces: 0, complaints: 0 }),
    },
    guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    now: () => NOW,
    wait: async () => {},
  };
  const total = (k: string) => [...counted.values()].reduce((n, d) => n + (d[k] ?? 0), 0);
  return { deps, total, timeline };
}

describe('a soft bounce, then a hard bounce, of one message', () => {
  it('counts the hard bounce in the bounce rate and puts it on the timeline', async () => {
    const s = store();
    for (const envelope of [
      sesBounce('Transient', 'MailboxFull', '2026-12-04T10:05:00Z'),
      sesBounce('Permanent', 'NoEmail', '2026-12-04T11:00:00Z'),
    ]) {
      const parsed = parseSesEvent(envelope);
      if (parsed.status !== 'events') throw new Error(parsed.reason);
      for (const event of parsed.events) await processEmailEvent(event, s.deps);
    }
    // At f87176e: softBounces 1, bounces 0 (the hard bounce met the soft one's marker), one timeline entry (soft).
    expect({ softBounces: s.total('softBounces'), bounces: s.total('bounces') }).toEqual({
      softBounces: 1,
      bounces: 1,
    });
    expect([...s.timeline.values()].map((e) => e.metadata.bounceType)).toEqual(['soft', 'hard']);
  });
});
