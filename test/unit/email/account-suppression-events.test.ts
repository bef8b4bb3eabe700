/**
 * Was failing (review 9, HIGH): SES bounces with bounceSubType `OnAccountSuppressionList` (SES did
 * not attempt delivery: the address is on the account-level suppression list, which every
 * workspace shares) were counted in the workspace's reputation window and auto-paused its
 * marketing ("bounce rate 10.00% of 250 sends") although nothing of the workspace bounced.
 * Fixed: parseSesEvent marks such bounces and complaints `accountSuppressed`; processEmailEvent
 * still suppresses the address in the workspace but neither counts nor judges them, and does not
 * opt the contact out for such a complaint. A complaint whose feedback type is `not-spam` is
 * ignored (no suppression, no opt-out, no count).
 */
import { describe, expect, it } from 'vitest';
import type { ProcessEventDeps } from '../../../shared/email/process-event';
import { processEmailEvent } from '../../../shared/email/process-event';
import { parseSesEvent } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS, type ReputationCounts } from '../../../shared/email/reputation';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const WS_B = 'ws-b';

/** What EventBridge delivers for SES's Bounce of a send to an address on the account suppression list. */
const suppressedBounce = (i: number) => ({
  version: '0',
  id: `evt-${i}`,
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  time: '2026-12-04T09:59:00Z',
  detail: {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'OnAccountSuppressionList',
      bouncedRecipients: [{ emailAddress: `shared${i}@example.com` }],
      timestamp: '2026-12-04T09:59:00Z',
    },
    mail: {
      messageId: `ses-${i}`,
      timestamp: '2026-12-04T09:58:59Z',
      destination: [`shared${i}@example.com`],
      tags: { workspace: [WS_B], send: [`send-${i}`] },
    },
  },
});

describe("SES bounces for the account's suppression list", () => {
  it("do not count toward the workspace's bounce rate nor pause it", async () => {
    const counts: ReputationCounts = { sent: 250, bounces: 0, complaints: 0 };
    let paused: string | undefined;
    const deps: ProcessEventDeps = {
      sends: { markDelivery: async () => ({ result: 'updated' }) },
      suppressions: { suppress: async () => {}, suppressContact: async () => {} },
      softBounces: { record: async () => [] },
      timeline: { record: async () => 'recorded' },
      reputation: {
        countOnce: async (_ws, _key, _hour, delta) => {
          Object.assign(counts, { bounces: counts.bounces + (delta.bounces ?? 0) });
          return true;
        },
        counts: async () => ({ ...counts }),
      },
      guard: {
        state: async () => (paused ? { pausedReason: paused } : {}),
        pauseOnce: async (_ws, reason) => {
          paused = reason;
          return true;
        },
        raiseOnce: async () => true,
      },
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      now: () => T0,
      wait: async () => {},
    };
    // B sent 250 marketing mails; 25 went to addresses SES had already suppressed for the account.
    for (let i = 0; i < 25; i++) {
      const parsed = parseSesEvent(suppressedBounce(i));
      if (parsed.status !== 'events') continue;
      for (const event of parsed.events) await processEmailEvent(event, deps);
    }
    expect(counts.bounces).toBe(0);
    expect(paused).toBeUndefined();
  });
});

/** A recording set of ports for one event at a time. */
function recorder() {
  const calls = { suppress: [] as string[], suppressContact: [] as string[], counted: 0, judged: 0, marked: 0 };
  const deps: ProcessEventDeps = {
    sends: {
      markDelivery: async () => {
        calls.marked++;
        return { result: 'updated' };
      },
    },
    suppressions: {
      suppress: async (_ws, email) => void calls.suppress.push(email),
      suppressContact: async (_ws, contactId) => void calls.suppressContact.push(contactId),
    },
    softBounces: { record: async () => [] },
    timeline: { record: async () => 'recorded' },
    reputation: {
      countOnce: async () => {
        calls.counted++;
        return true;
      },
      counts: async () => ({ sent: 0, bounces: 0, complaints: 0 }),
    },
    guard: {
      state: async () => {
        calls.judged++;
        return {};
      },
      pauseOnce: async () => true,
      raiseOnce: async () => true,
    },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    now: () => T0,
    wait: async () => {},
  };
  return { calls, deps };
}

const complaint = (extra: Record<string, unknown>) => ({
  version: '0',
  id: 'evt-c',
  'detail-type': 'Email Complaint Received',
  source: 'aws.ses',
  time: '2026-12-04T09:59:00Z',
  detail: {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: 'person@example.com' }],
      timestamp: '2026-12-04T09:59:00Z',
      ...extra,
    },
    mail: {
      messageId: 'ses-c',
      destination: ['person@example.com'],
      tags: { workspace: [WS_B], send: ['send-c'], contact: ['c-1'] },
    },
  },
});

async function processAll(envelope: unknown, deps: ProcessEventDeps) {
  // biome-ignore lint/suspicious/noExplicitAny: a hand-built envelope
  const parsed = parseSesEvent(envelope as any);
  if (parsed.status !== 'events') throw new Error(parsed.reason);
  return Promise.all(parsed.events.map((e) => processEmailEvent(e, deps)));
}

describe('an account-suppression bounce', () => {
  it('still suppresses the address in the workspace, uncounted and unjudged', async () => {
    const { calls, deps } = recorder();
    const [outcome] = await processAll(suppressedBounce(1), deps);
    expect(outcome).toMatchObject({ status: 'processed', counted: false, suppressed: 'hard-bounce' });
    expect(calls).toMatchObject({ suppress: ['shared1@example.com'], counted: 0, judged: 0 });
  });
});

describe('complaints', () => {
  it('an ordinary one suppresses, opts the contact out and counts', async () => {
    const { calls, deps } = recorder();
    await processAll(complaint({ complaintFeedbackType: 'abuse' }), deps);
    expect(calls).toMatchObject({ suppress: ['person@example.com'], suppressContact: ['c-1'], counted: 1 });
  });

  it('one for an address on the account suppression list suppresses the address only', async () => {
    const { calls, deps } = recorder();
    await processAll(complaint({ complaintSubType: 'OnAccountSuppressionList' }), deps);
    expect(calls).toMatchObject({ suppress: ['person@example.com'], suppressContact: [], counted: 0, judged: 0 });
  });

  it('a not-spam feedback report changes nothing', async () => {
    const { calls, deps } = recorder();
    const [outcome] = await processAll(complaint({ complaintFeedbackType: 'not-spam' }), deps);
    expect(outcome?.status).toBe('ignored');
    expect(calls).toMatchObject({ suppress: [], suppressContact: [], counted: 0, judged: 0, marked: 0 });
  });
});
