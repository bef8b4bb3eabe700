/**
 * Review r19e (email templates: render limits).
 *
 * Defect: nothing bounds what a template renders to. liquidjs's `memoryLimit` charges ranges and
 * filters, never the text a loop writes, and `renderLimit` (500 ms) is far away: a loop over a
 * literal of 400 KB renders 110 x 400 KB = 44 MB of HTML in milliseconds, from content that fits
 * a send message (the queue's schema: each part <= 500,000 characters) and parses. The sender
 * (shared/email/send-email.ts `prepare`) then instruments and hands the provider a 44 MB HTML
 * part plus a 44 MB generated text part: past what SES or Resend accept (40 MB a message), and
 * the worker holds it all in memory (a larger loop reaches hundreds of MB per message; the
 * preview of the same template is a 500, see test/e2e/r19e-template-render-amplification.test.ts).
 * An inline send (`POST /api/emails/send` with html), a stored template, a broadcast or a
 * campaign email node all go this way.
 *
 * Severity: HIGH (any caller with emails:send / templates:write makes every sender worker that
 * takes the message allocate ~100 MB+ per attempt and the provider refuse the mail).
 *
 * Root cause: shared/email/templates.ts:renderTemplate (no bound on the rendered parts).
 *
 * Correct behaviour: a render past a fixed size fails as the template's error (TemplateError), so
 * the sender closes the send ("could not be rendered") and the provider is never called.
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { renderTemplate, TemplateError } from '../../../shared/email/templates';
import { recordingSendDeps } from './send-fixture';

/** 110 x ~400 KB: 44 MB of HTML from ~400 KB of template. */
const AMPLIFIED = `{% for i in (1..110) %}<p>${'x'.repeat(400_000)}</p>{% endfor %}`;

describe('rendered size', () => {
  it('a template that renders 44 MB of HTML fails to render (TemplateError) instead of answering it', async () => {
    let error: unknown;
    let htmlLength = 0;
    try {
      const rendered = await renderTemplate(
        { subject: 'Hi', html: AMPLIFIED, text: 'plain' },
        { contact: { email: 'a@example.com' }, workspace: { name: 'Acme' } },
      );
      htmlLength = rendered.html.length;
    } catch (caught) {
      error = caught;
    }
    expect(error, `rendered ${htmlLength} characters of HTML from ${AMPLIFIED.length}`).toBeInstanceOf(TemplateError);
  });

  it('the sender closes such a send instead of handing the provider a 44 MB mail', async () => {
    const outbox: OutgoingEmail[] = [];
    const closed: string[] = [];
    const deps = recordingSendDeps(outbox, closed);
    const request: SendRequest = {
      workspaceId: 'ws-1',
      idempotencyKey: 'api#generated#1',
      category: 'transactional',
      from: 'noreply@acme.test',
      to: 'ada@example.com',
      content: { subject: 'Hi', html: AMPLIFIED },
      context: { contact: { email: 'ada@example.com' }, workspace: { name: 'Acme' } },
    };
    const outcome = await sendEmail(request, deps);
    const sentBytes = outbox.reduce((n, e) => n + e.html.length + (e.text?.length ?? 0), 0);
    expect(outcome.status, `the provider was handed ${sentBytes} characters`).toBe('not-sent');
    expect(outbox).toHaveLength(0);
  });
});
