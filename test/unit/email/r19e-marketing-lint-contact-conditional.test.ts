/**
 * Review r19e (email templates: preview vs send).
 *
 * Defect: the marketing lint judges a template rendered for one made-up recipient known only by
 * address (`renderedParts` in shared/email/templates.ts: `contact: { email }`), so a link that shows
 * only for such a recipient passes. `{% unless contact.firstName %}<a href="{{ unsubscribe_url }}">
 * Unsubscribe</a>{% endunless %}` is saved as a compliant marketing template (source rule: the href
 * is there; rendered rule: shown, as the lint's recipient has no first name), and every real
 * contact with a first name gets the mail with no unsubscribe link. The preview for such a contact
 * renders that very HTML (no link) and answers `findings: []`: it lints a different render from
 * the one it shows and the sender sends.
 *
 * Severity: MEDIUM (CAN-SPAM / bulk-sender rules: the visible unsubscribe link the product promises
 * for every marketing mail is missing for most recipients, and the preview says all is well).
 *
 * Root cause: shared/email/templates.ts:renderedParts (one fixed scope) and
 * shared/email/template-send.ts:previewTemplate / lintFindings (findings from the source and that
 * scope, not from what was rendered for the recipient).
 *
 * Correct behaviour: a template whose unsubscribe link depends on the recipient's fields is not
 * judged compliant for recipients it hides it from: at least the preview for such a contact reports
 * the `unsubscribe_link` error (better: the save refuses a link inside a condition on merge data).
 */
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/crm/model';
import { assertSavable } from '../../../shared/email/stored-templates';
import { previewTemplate } from '../../../shared/email/template-send';
import { storedTemplate } from './send-fixture';

const UNSUBSCRIBE = 'https://app.example/u/preview';
const input = {
  name: 'Spring news',
  category: 'marketing' as const,
  subject: 'News',
  html:
    '<p>Hello {{ contact.firstName }}</p>' +
    '{% unless contact.firstName %}<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>{% endunless %}' +
    '<p>{{ workspace.postalAddress }}</p>',
};

const ada: Contact = {
  contactId: 'c1',
  workspaceId: 'ws',
  firstName: 'Ada',
  email: 'ada@example.com',
  status: 'active' as Contact['status'],
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('marketing lint vs the recipient', () => {
  it('the preview for a contact whose render has no unsubscribe link reports it missing', async () => {
    // Refused at save now (round 19 fix: a link shown to some recipients only); a version stored
    // before the fix still previews, and the preview must say what this contact gets.
    await expect(assertSavable(input)).rejects.toMatchObject({ code: 'TEMPLATE_LINT_FAILED' });
    const preview = await previewTemplate(
      storedTemplate(input),
      { contactId: 'c1' },
      {
        templates: { get: async () => undefined, version: async () => undefined },
        contacts: { get: async () => ada },
        profile: async () => ({ name: 'Acme', postalAddress: '1 Main St, Springfield' }),
        unsubscribePreviewUrl: UNSUBSCRIBE,
      },
    );
    // What Ada receives: no unsubscribe link at all.
    expect(preview.html).not.toContain(UNSUBSCRIBE);
    expect(
      preview.findings.map((f) => f.item),
      `rendered for the contact: ${preview.html}`,
    ).toContain('unsubscribe_link');
  });
});
