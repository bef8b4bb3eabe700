// Review round 24: this test failed at 137ce95.
/**
 * Review round 24 (b): Resend's `email.suppressed` webhook is dropped ("Resend event type
 * email.suppressed is not handled"), so an address Resend refused to mail because it is on the
 * Resend account's suppression list is never suppressed in the workspace, and the send's record
 * keeps saying `sent` with no outcome.
 *
 * Resend reports a send it did not attempt for its suppression list as its own event type
 * `email.suppressed` (`data.suppressed: {message, type}`), with the email's `to` and `tags`: the
 * `resend` SDK this project ships (6.x, `WebhookEvent` / `EmailSuppressedEvent`) types it, and
 * Resend's changelog ("Introducing Email Suppression Visibility") says suppressions are no longer
 * "grouped under the most recent delivery outcome (like bounced or complained)". docs/EMAIL.md still
 * says Resend reports them as `email.bounced` with subtype `Suppressed` / `OnAccountSuppressionList`,
 * and promises such a report "records and suppresses the address in the workspace" (not counted in
 * its reputation). With the event dropped, the workspace keeps mailing the address through SES: an
 * address that hard-bounced or complained before, now this workspace's bounce or complaint.
 */
import { describe, expect, it } from 'vitest';
import type { ProcessEventDeps } from '../../../shared/email/process-event';
import { processEmailEvent } from '../../../shared/email/process-event';
import { parseProviderEvent, resendEnvelope } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const WS = 'ws-r24b';
const ADDRESS = 'gone@example.com';

/** Resend's webhook for a send it did not attempt (the shape of the SDK's `EmailSuppressedEvent`). */
const suppressedWebhook = {
  type: 'email.suppressed',
  created_at: '2026-12-04T09:59:00.000Z',
  data: {
    email_id: 're-suppressed-1',
    message_id: '<re-suppressed-1@resend.dev>',
    created_at: '2026-12-04T09:58:59.000Z',
    from: 'news@acme.test',
    to: [ADDRESS],
    subject: 'News',
    tags: { workspace: WS, send: 'send-1', ledger: 'YXBpI2NsaWVudCNrMQ' },
    suppressed: {
      message: 'This email was not sent because the recipient is on the suppression list.',
      type: 'OnAccountSuppressionList',
    },
  },
};

describe("Resend's email.suppressed webhook (r24b)", () => {
  it('suppresses the address in the workspace (not counted against its reputation)', async () => {
    const suppressed: string[] = [];
    const counted: unknown[] = [];
    const deps: ProcessEventDeps = {
      sends: { markDelivery: async () => ({ result: 'updated', sentAtMs: T0 - 60_000 }) },
      suppressions: {
        suppress: async (ws, email) => void suppressed.push(`${ws}:${email}`),
        suppressContact: async () => {},
      },
      softBounces: { record: async () => [] },
      timeline: { record: async () => 'recorded' },
      reputation: {
        countOnce: async (_ws, _key, _hour, delta) => {
          counted.push(delta);
          return true;
        },
        counts: async () => ({ sent: 250, bounces: 0, complaints: 0 }),
      },
      guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      now: () => T0,
      wait: async () => {},
    };

    // As the webhook route queues it (verified), and the email-events consumer reads it.
    const parsed = parseProviderEvent(resendEnvelope('msg_r24b', suppressedWebhook, new Date(T0)));
    if (parsed.status === 'events') for (const event of parsed.events) await processEmailEvent(event, deps);

    expect(
      suppressed,
      `Resend's email.suppressed was dropped (${parsed.status === 'ignored' ? parsed.reason : 'processed'}): the address it refused to mail is not suppressed in the workspace`,
    ).toEqual([`${WS}:${ADDRESS}`]);
    expect(
      counted.filter((d) => Object.values(d as object).some((v) => v !== 0)),
      'a send Resend never attempted counted in the workspace window',
    ).toEqual([]);
  });
});
