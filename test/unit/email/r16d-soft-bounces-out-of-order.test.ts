/**
 * Review round 16: this test failed at 5bc3520.
 * Defect: "soft bounces suppress on the 3rd within 7 days" holds only when the bounce events are
 * processed in the order they happened. The email-events queue is a standard SQS queue (no order;
 * a failed receive is retried after the visibility timeout, behind later events), and the rule
 * counts only earlier soft bounces dated at or before the one being processed. Three soft
 * bounces of one address within 7 days, processed newest first (or with the newest one not last),
 * never suppress it: every event sees fewer than two "earlier" ones, and no later event comes to
 * look again. The address keeps getting marketing mail (and the campaign enrolments stay on it
 * instead of exiting `bounced`).
 * Severity: MEDIUM (a mailbox that keeps soft-bouncing keeps being mailed, hurting reputation;
 * depends only on delivery order, which SQS does not keep).
 * Root cause: shared/email/suppression-rules.ts:suppressionCausedBy (`t <= atMs` keeps only
 * bounces before the event's own time) as called by shared/email/process-event.ts:
 * processEmailEvent (judges the window ending at the event being processed only).
 * Correct: the rule is judged on the address's whole log: whenever the log holds 3 soft bounces
 * within any 7 days (e.g. all of them within 7 days of one another), the address is suppressed,
 * whatever order their events arrive in.
 */
import { describe, expect, it } from 'vitest';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import { parseSesEvent } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';

const NOW = Date.parse('2026-12-04T18:00:00Z');

const softBounce = (message: string, timestamp: string) => ({
  version: '0',
  id: `evt-${message}`,
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  time: timestamp,
  detail: {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp,
    },
    mail: {
      messageId: message,
      timestamp,
      destination: ['ada@example.com'],
      tags: { workspace: ['ws-1'], send: [`send-${message}`] },
    },
  },
});

function store() {
  const suppressed: SuppressionReason[] = [];
  // As dynamoSoftBounces: a set of `<at>#<event key>` per address, all of them answered.
  const log = new Set<string>();
  const deps: ProcessEventDeps = {
    sends: { markDelivery: async () => ({ result: 'updated' }) },
    suppressions: {
      suppress: async (_ws, _email, reason) => void suppressed.push(reason),
      suppressContact: async () => {},
    },
    softBounces: {
      record: async (_ws, _email, key, atMs) => {
        log.add(`${atMs}#${key}`);
        return [...log].map((e) => Number(e.split('#', 1)[0]));
      },
    },
    timeline: { record: async () => 'recorded' },
    reputation: {
      countOnce: async () => true,
      counts: async () => ({ sent: 1000, bounces: 0, complaints: 0 }),
    },
    guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    now: () => NOW,
    wait: async () => {},
  };
  return { deps, suppressed };
}

async function processAll(s: ReturnType<typeof store>, envelopes: ReturnType<typeof softBounce>[]) {
  for (const envelope of envelopes) {
    const parsed = parseSesEvent(envelope);
    if (parsed.status !== 'events') throw new Error(parsed.reason);
    for (const event of parsed.events) await processEmailEvent(event, s.deps);
  }
}

describe('three soft bounces within 7 days', () => {
  const first = softBounce('m1', '2026-12-04T10:00:00Z');
  const second = softBounce('m2', '2026-12-04T11:00:00Z');
  const third = softBounce('m3', '2026-12-04T12:00:00Z');

  it('suppress the address whatever order the queue delivers them in (newest first)', async () => {
    const s = store();
    await processAll(s, [third, first, second]);
    expect(s.suppressed, 'three soft bounces within 3 hours, never suppressed').toEqual(['soft-bounces']);
  });
});
