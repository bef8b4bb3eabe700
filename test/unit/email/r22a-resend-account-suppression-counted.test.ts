// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (a): a Resend bounce of an address on Resend's account-level suppression list
 * counts toward the workspace's reputation and pauses its marketing.
 *
 * Every workspace sends through the one Resend account (RESEND_API_KEY), so Resend's suppression
 * list is shared by all of them, as SES's account-level list is. Resend reports a send it refused
 * because the address is on that list as `email.bounced` with `bounce: {type: 'Permanent',
 * subType: 'OnAccountSuppressionList'}` ("Resend has suppressed sending to this address because it
 * has previously hard bounced"): nothing of this workspace bounced. docs/EMAIL.md ("The account's
 * suppression list is not the workspace's reputation") promises such bounces are recorded and
 * suppress the address in the workspace but are neither counted in its window nor judged, "so
 * another workspace's history cannot pause this one's marketing". `parseSesEvent` marks them
 * `accountSuppressed`; `parseResendWebhook` does not, so when SES fails over to Resend the same
 * situation pauses the workspace.
 */
import { describe, expect, it } from 'vitest';
import type { ProcessEventDeps } from '../../../shared/email/process-event';
import { processEmailEvent } from '../../../shared/email/process-event';
import { parseResendWebhook } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS, type ReputationCounts } from '../../../shared/email/reputation';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const WS_B = 'ws-b';

/** Resend's webhook for a send it did not attempt: the address is on the account's suppression list. */
const suppressedBounce = (i: number) => ({
  type: 'email.bounced',
  created_at: '2026-12-04T09:59:00.000Z',
  data: {
    email_id: `re-${i}`,
    created_at: '2026-12-04T09:58:59.000Z',
    from: 'news@example.org',
    to: [`shared${i}@example.com`],
    subject: 'News',
    tags: [
      { name: 'workspace', value: WS_B },
      { name: 'send', value: `send-${i}` },
    ],
    bounce: {
      type: 'Permanent',
      subType: 'OnAccountSuppressionList',
      message: 'Resend has suppressed sending to this address because it has previously hard bounced.',
    },
  },
});

describe("Resend bounces for the account's suppression list (r22a)", () => {
  it("do not count toward the workspace's bounce rate nor pause its marketing", async () => {
    const counts: ReputationCounts = { sent: 250, bounces: 0, complaints: 0 };
    const suppressed: string[] = [];
    let paused: string | undefined;
    const deps: ProcessEventDeps = {
      sends: { markDelivery: async () => ({ result: 'updated' }) },
      suppressions: { suppress: async (_ws, email) => void suppressed.push(email), suppressContact: async () => {} },
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
    // B sent 250 marketing mails through Resend (SES was down); 25 went to addresses another
    // workspace's bounces had put on the Resend account's suppression list.
    for (let i = 0; i < 25; i++) {
      const parsed = parseResendWebhook(suppressedBounce(i));
      expect(parsed.status, 'the webhook is one of our sends').toBe('events');
      if (parsed.status !== 'events') continue;
      for (const event of parsed.events) await processEmailEvent(event, deps);
    }
    // The address is still suppressed in the workspace (as for SES's account list).
    expect(suppressed).toHaveLength(25);
    expect(
      counts.bounces,
      "bounces Resend never attempted (its account-wide suppression list) were counted in the workspace's window",
    ).toBe(0);
    expect(paused, "another workspace's history paused this workspace's marketing").toBeUndefined();
  });
});
