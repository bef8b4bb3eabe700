/**
 * Defect (MEDIUM): the save-time marketing lint still passes templates that hide the unsubscribe link
 * from some recipients; the sender then silently closes those recipients' mails ("rendered for this
 * recipient without its unsubscribe link"), so a campaign or broadcast the lint and preview called
 * compliant loses part of its audience with no error anywhere the marketer looks.
 *
 * 1. `unsubscribe_url` is treated as the same for every recipient (SAME_FOR_EVERY_RECIPIENT), but
 *    it is a per-send sealed token: `{% unless unsubscribe_url contains "Q" %}<a ...>{% endunless %}`
 *    renders the link with the lint's URL (and the preview's `/u/preview`), and hides it from every
 *    recipient whose token holds a "Q".
 * 2. When the lint's own render fails (its made-up values: workspace name "Workspace", contact with
 *    an email only) the lint silently falls back to the source rule (renderedParts returns
 *    undefined), so a plain `{% if contact.customFields.vip %}` around the link passes the save as
 *    long as something earlier throws for the lint's values only (e.g. a range sized on the name).
 *
 * Root cause: shared/email/templates.ts SAME_FOR_EVERY_RECIPIENT / readsRecipientData (a condition on
 * the unsubscribe URL's value is not constant), and renderedParts (`catch { return undefined }`:
 * "a send would fail on it" is false when the failure depends on the lint's made-up values).
 *
 * Correct: a branching tag reading the unsubscribe URL's value (anything but its presence) counts as
 * recipient data; a lint render that fails refuses the marketing save (or reports it) instead of
 * skipping the every-recipient rule. Both templates below are refused with TEMPLATE_LINT_FAILED.
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { assertSavable, type TemplateInput } from '../../../shared/email/stored-templates';
import type { ValidationError } from '../../../shared/errors';
import { ADDRESS, LINK, marketingTemplate as marketing, marketingRequest, recordingSendDeps } from './send-fixture';

const codeOf = (input: TemplateInput) =>
  assertSavable(input).then(
    () => 'saved',
    (error: unknown) => (error as ValidationError).code,
  );

const request = (html: string, unsubscribeUrl: string): SendRequest =>
  marketingRequest(html, {
    context: {
      contact: { email: 'ada@example.com' },
      workspace: { name: 'A', postalAddress: '1 Main St, Springfield' },
      unsubscribe_url: unsubscribeUrl,
    },
  });

describe('the save lint misses links hidden from some recipients', () => {
  it('refuses a link inside a condition on the (per-recipient) unsubscribe URL value', async () => {
    const html = `{% unless unsubscribe_url contains "Q" %}${LINK}{% endunless %}${ADDRESS}`;
    // What the sender does with it: one recipient mailed, one silently closed.
    const outbox: OutgoingEmail[] = [];
    const closed: string[] = [];
    await sendEmail(request(html, 'https://app.example/u/eyJhbGciOi-abc'), recordingSendDeps(outbox, closed));
    await sendEmail(request(html, 'https://app.example/u/eyJhbGciOi-Qbc'), recordingSendDeps(outbox, closed));
    expect(outbox).toHaveLength(1);
    expect(closed[0]).toMatch(/without its unsubscribe link/);
    // ...while the save called it compliant.
    expect(await codeOf(marketing(html))).toBe('TEMPLATE_LINT_FAILED');
  });

  it('refuses a link inside a condition on contact data when the lint render itself fails', async () => {
    // 'Workspace' (the lint's name, 9 chars) sizes a 5.4M range: past memoryLimit for the lint only;
    // a real workspace "A" renders it fine (a 600k range: well inside liquidjs's 500 ms renderLimit
    // on a loaded machine, where "Acme"'s 2.4M range was not), and the link is then hidden from every non-VIP.
    const html =
      '{% assign n = workspace.name.size | times: 600000 %}{% assign r = (1..n) %}' +
      `{% if contact.customFields.vip %}${LINK}{% endif %}${ADDRESS}`;
    const closed: string[] = [];
    await sendEmail(request(html, 'https://app.example/u/tok'), recordingSendDeps([], closed));
    expect(closed[0]).toMatch(/without its unsubscribe link/);
    expect(await codeOf(marketing(html))).toBe('TEMPLATE_LINT_FAILED');
  });
});
