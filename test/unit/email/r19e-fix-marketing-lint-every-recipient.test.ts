// Review round 19: this test failed at d10baec.
// The marketing lint judged one made-up recipient: a link or address shown only to some recipients
// (a condition on contact.*, an assign of unsubscribe_url) passed the save, the preview and the send.
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { assertSavable, type TemplateInput } from '../../../shared/email/stored-templates';
import type { ValidationError } from '../../../shared/errors';
import { ADDRESS, LINK, marketingTemplate as marketing, marketingRequest, recordingSendDeps } from './send-fixture';

const refusal = (input: TemplateInput) =>
  assertSavable(input).then(
    () => undefined,
    (error: unknown) => error as ValidationError,
  );

describe('the marketing lint holds for every recipient', () => {
  it.each([
    ['unless a contact field', `{% unless contact.firstName %}${LINK}{% endunless %}${ADDRESS}`, 'unsubscribe_link'],
    ['if a custom field', `{% if contact.customFields.vip == "no" %}${LINK}{% endif %}${ADDRESS}`, 'unsubscribe_link'],
    [
      'case on a contact field',
      `{% case contact.status %}{% when "active" %}${LINK}{% endcase %}${ADDRESS}`,
      'unsubscribe_link',
    ],
    ['a loop over contact data', `${LINK}{% for t in contact.tags %}${ADDRESS}{% endfor %}`, 'postal_address'],
    [
      'inside {% liquid %}',
      `{% liquid if contact.email\n echo "" \n endif %}{% if contact.email %}${LINK}{% endif %}${ADDRESS}`,
      'unsubscribe_link',
    ],
    [
      'a link hidden by an assign under a condition',
      `{% if contact.firstName %}{% assign unsubscribe_url = "" %}{% endif %}${LINK}${ADDRESS}`,
      'unsubscribe_link',
    ],
    [
      'an address replaced by a capture under a condition',
      `{% if contact.firstName %}{% capture workspace %}x{% endcapture %}{% endif %}${LINK}${ADDRESS}`,
      'postal_address',
    ],
  ])('refuses at save a link or address that depends on merge data (%s)', async (_label, html, item) => {
    const refused = await refusal(marketing(html));
    expect(refused?.code).toBe('TEMPLATE_LINT_FAILED');
    expect(((refused?.details ?? []) as Array<{ item: string }>).map((d) => d.item)).toEqual([item]);
  });

  it.each([
    ['plain', `${LINK}${ADDRESS}`],
    [
      'a greeting on a contact field beside an unconditional link',
      `{% if contact.firstName %}Hi {{ contact.firstName }}{% endif %}${LINK}${ADDRESS}`,
    ],
    [
      'a condition on the unsubscribe URL and the address',
      `{% if unsubscribe_url %}${LINK}{% endif %}{% if workspace.postalAddress %}${ADDRESS}{% endif %}`,
    ],
    ['a capture output unconditionally', `{% capture footer %}${LINK}${ADDRESS}{% endcapture %}{{ footer | raw }}`],
  ])('accepts a link and address every recipient gets (%s)', async (_label, html) => {
    expect(await refusal(marketing(html))).toBeUndefined();
  });
});

describe('the sender checks what it rendered', () => {
  const request = (html: string, firstName?: string): SendRequest =>
    marketingRequest(html, {
      context: {
        contact: { email: 'ada@example.com', ...(firstName ? { firstName } : {}) },
        workspace: { name: 'Acme', postalAddress: "1 O'Brien & Sons Lane\nSpringfield" },
        unsubscribe_url: 'https://app.example/u/tok-123',
      },
    });
  const conditional = `{% unless contact.firstName %}${LINK}{% endunless %}${ADDRESS}`;

  it('closes a marketing mail whose link, written in its source, its recipient does not get', async () => {
    const outbox: OutgoingEmail[] = [];
    const closed: string[] = [];
    const outcome = await sendEmail(request(conditional, 'Ada'), recordingSendDeps(outbox, closed));
    expect(outcome.status).toBe('not-sent');
    expect(outbox).toHaveLength(0);
    expect(closed[0]).toMatch(/unsubscribe link/);
  });

  it('sends the same content to a recipient who gets the link, and an address HTML-escaped (twice) and upper-cased', async () => {
    const outbox: OutgoingEmail[] = [];
    const sent = await sendEmail(request(conditional), recordingSendDeps(outbox, []));
    expect(sent.status).toBe('sent');
    const filtered = `${LINK}<p>{{ workspace.postalAddress | upcase | escape }}</p>`;
    expect((await sendEmail(request(filtered, 'Ada'), recordingSendDeps(outbox, []))).status).toBe('sent');
  });

  it('leaves inline content that never wrote the link as it was (not linted; docs/EMAIL.md)', async () => {
    const outbox: OutgoingEmail[] = [];
    expect((await sendEmail(request('<p>Hello</p>', 'Ada'), recordingSendDeps(outbox, []))).status).toBe('sent');
  });
});
