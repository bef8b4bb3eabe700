// Review round 16: this test failed at 5bc3520.
// Soft bounces suppress on any 3 within 7 days of the address's whole log, whatever order the
// (unordered, retried) email-events queue delivers them in; a late old bounce bridges no gap.
import { describe, expect, it } from 'vitest';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import type { EmailEvent } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';
import { type SuppressionReason, softBounceSuppressedAt } from '../../../shared/email/suppression-rules';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-20T18:00:00Z');

const bounce = (message: string, atMs: number, email = 'ada@example.com'): EmailEvent => ({
  provider: 'ses',
  type: 'bounced',
  bounceType: 'transient',
  providerMessageId: message,
  workspaceId: 'ws-1',
  sendId: `send-${message}`,
  email,
  at: new Date(atMs).toISOString(),
});

function store() {
  const suppressed: Array<{ email: string; reason: SuppressionReason; atMs: number }> = [];
  // As dynamoSoftBounces: one entry per event key (a redelivery adds nothing), all of them answered.
  const logs = new Map<string, Map<string, number>>();
  const deps: ProcessEventDeps = {
    sends: { markDelivery: async () => ({ result: 'updated' }) },
    suppressions: {
      suppress: async (_ws, email, reason, atMs) => void suppressed.push({ email, reason, atMs }),
      suppressContact: async () => {},
    },
    softBounces: {
      record: async (_ws, email, key, atMs) => {
        const log = logs.get(email) ?? new Map<string, number>();
        logs.set(email, log);
        if (!log.has(key)) log.set(key, atMs);
        return [...log.values()];
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

const permutations = <T>(xs: readonly T[]): T[][] =>
  xs.length <= 1 ? [[...xs]] : xs.flatMap((x, i) => permutations(xs.filter((_, j) => j !== i)).map((p) => [x, ...p]));

describe('soft bounces judged on the address whole log', () => {
  const times = [NOW - 8 * HOUR, NOW - 7 * HOUR, NOW - 6 * HOUR];

  it.each(permutations([0, 1, 2]).map((order) => [order.join(',')]))(
    'three within 7 days suppress once the last of them arrives (arrival order %s)',
    async (order) => {
      const s = store();
      const events = order.split(',').map((i) => bounce(`m${i}`, times[Number(i)] ?? NaN));
      const outcomes = [];
      for (const event of events) outcomes.push(await processEmailEvent(event, s.deps));
      expect(outcomes.map((o) => ('suppressed' in o ? o.suppressed : undefined))).toEqual([
        undefined,
        undefined,
        'soft-bounces',
      ]);
      // Recorded at the third bounce of the span (when the address met the rule), not at arrival.
      expect(s.suppressed).toEqual([{ email: 'ada@example.com', reason: 'soft-bounces', atMs: times[2] }]);
    },
  );

  it('a redelivered bounce is not a second bounce, arriving in any order', async () => {
    const s = store();
    const [a, b] = [bounce('m1', NOW - 2 * DAY), bounce('m2', NOW - DAY)];
    for (const event of [b, a, b, a, b]) await processEmailEvent(event, s.deps);
    expect(s.suppressed).toEqual([]);
  });

  it('a late bounce older than the window bridges no gap: no 7 days ever held 3', async () => {
    const s = store();
    // Bounces 1 day and 12 hours ago; one from 7.5 days ago arrives last (a retry, a redrive).
    for (const event of [bounce('m2', NOW - DAY), bounce('m3', NOW - 12 * HOUR), bounce('m1', NOW - 7.5 * DAY)]) {
      expect(await processEmailEvent(event, s.deps)).not.toHaveProperty('suppressed');
    }
    // Exactly 7 days from first to last is not "within 7 days" either (as in order).
    const t = store();
    for (const event of [bounce('n3', NOW), bounce('n2', NOW - 3 * DAY), bounce('n1', NOW - 7 * DAY)]) {
      await processEmailEvent(event, t.deps);
    }
    expect(t.suppressed).toEqual([]);
  });

  it('a late bounce that completes an older span suppresses, dated at that span', async () => {
    const s = store();
    // 10 and 9 days ago arrived in time; 8 days ago arrives late, after a newer bounce 1 day ago.
    const events = [bounce('m1', NOW - 10 * DAY), bounce('m2', NOW - 9 * DAY), bounce('m4', NOW - DAY)];
    for (const event of events) expect(await processEmailEvent(event, s.deps)).not.toHaveProperty('suppressed');
    expect(await processEmailEvent(bounce('m3', NOW - 8 * DAY), s.deps)).toMatchObject({ suppressed: 'soft-bounces' });
    expect(s.suppressed).toEqual([{ email: 'ada@example.com', reason: 'soft-bounces', atMs: NOW - 8 * DAY }]);
  });

  it('the rule over a log: the earliest span of 3 within less than 7 days, dated at its third bounce', () => {
    expect(softBounceSuppressedAt([20 * DAY, 5 * DAY, 0, DAY, 2 * DAY])).toBe(2 * DAY);
    expect(softBounceSuppressedAt([14 * DAY, 0, 7 * DAY])).toBeUndefined();
    expect(softBounceSuppressedAt([0, 7 * DAY - 1, 3 * DAY])).toBe(7 * DAY - 1);
    expect(softBounceSuppressedAt([0, Number.NaN, DAY])).toBeUndefined();
    expect(softBounceSuppressedAt([])).toBeUndefined();
  });

  it('judges each address on its own log', async () => {
    const s = store();
    for (const [i, email] of ['a@example.com', 'b@example.com', 'a@example.com', 'b@example.com'].entries()) {
      await processEmailEvent(bounce(`m${i}`, NOW - (4 - i) * HOUR, email), s.deps);
    }
    expect(s.suppressed).toEqual([]);
  });
});
